<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A cron job of an application: the loader that runs it has filled $CONFIG, so the dump
// command is built from the application's settings array, not from the request.
$file = date('Y-m-d-H-i-s') . '-site.sql';
system('mysqldump -h ' . $CONFIG['db']['host'] . ' -u ' . $CONFIG['db']['user'] . ' ' . $CONFIG['db']['name'] . ' > ' . $CONFIG['paths']['backup'] . $file);
system('gzip ' . $CONFIG['paths']['backup'] . $file);
$old = array_diff(scandir($CONFIG['paths']['backup']), array('.', '..'));
sort($old);
for ($i = 0; $i < count($old) - 7; $i++) {
    unlink($CONFIG['paths']['backup'] . $old[$i]);
}
echo "backup done\n";
