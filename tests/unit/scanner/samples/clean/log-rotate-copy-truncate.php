<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// nightly cron: compress and empty the site's own access logs
foreach (glob(__DIR__ . '/../logs/*.log') as $log) {
    $gz = gzopen($log . '.' . date('Ymd') . '.gz', 'w9');
    gzwrite($gz, (string) file_get_contents($log));
    gzclose($gz);
    file_put_contents($log, '');
}
echo 'rotated for ' . ($_SERVER['REMOTE_ADDR'] ?? 'cli');
