<?php
// maintenance script: fetch a plugin's release archive and unpack it
$tmp = tempnam(sys_get_temp_dir(), 'plg') . '.zip';
$url = 'https://downloads.wordpress.org/plugin/akismet.latest-stable.zip';
exec('curl -sSL -o ' . escapeshellarg($tmp) . ' ' . escapeshellarg($url), $out, $rc);
if ($rc === 0) {
    exec('unzip -o ' . escapeshellarg($tmp) . ' -d ' . escapeshellarg(__DIR__ . '/wp-content/plugins'));
}
$log = __DIR__ . '/update.log';
exec("curl -s -o /dev/null -w '%{http_code}' https://example.com/wp-login.php >> $log");
