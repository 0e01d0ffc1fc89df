<?php
// privacy: yesterday's logs kept with the last part of every address zeroed, and the
// visitor's own address shown on the status page
$ip = $_SERVER['REMOTE_ADDR'];
echo 'Your address: ' . htmlspecialchars($ip);
foreach (glob(__DIR__ . '/storage/logs/*.log') as $f) {
    if (filemtime($f) > time() - 86400) { continue; }
    file_put_contents($f, preg_replace('/(\d+\.\d+\.\d+)\.\d+/', '$1.0', file_get_contents($f)));
}
