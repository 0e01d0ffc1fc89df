<?php
// Uploads the build to the FTP account of the site's settings.
$c = require __DIR__ . '/deploy-config.php';
$f = ftp_connect($c['ftp_host'], 21, 30);
if (!$f || !ftp_login($f, $c['ftp_user'], $c['ftp_pass'])) exit("ftp login failed\n");
ftp_pasv($f, true);
foreach (glob(__DIR__ . '/build/*') as $file) {
    ftp_put($f, basename($file), $file, FTP_BINARY);
}
ftp_close($f);
