<?php
// self-hosted hit counter: <img src="/hit.php"> on each page keeps the referer and the browser
$h = function_exists('getallheaders') ? getallheaders() : array();
$fp = fopen(__DIR__ . '/stats/hits-' . date('Ymd') . '.tsv', 'ab');
fwrite($fp, date('H:i:s') . "\t" . ($h['Referer'] ?? '-') . "\t" . ($h['User-Agent'] ?? '-') . "\n");
fclose($fp);
header('Content-Type: image/gif');
echo base64_decode('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');
