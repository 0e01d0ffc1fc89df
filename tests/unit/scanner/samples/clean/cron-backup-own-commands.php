#!/usr/bin/env php
<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A nightly cron job: dump the database, archive the uploads, shrink new images and report
// the free disk space; every command line is the script's own (values quoted), each run with
// whichever call suits it: no command is taken from anyone, none is tried several ways.
$day = date('Y-m-d');
$target = '/home/site/backups/' . $day;
@mkdir($target, 0700, true);

system('mysqldump --single-transaction site_db | gzip > ' . escapeshellarg($target . '/db.sql.gz'), $dumped);
exec('tar -czf ' . escapeshellarg($target . '/uploads.tar.gz') . ' -C /home/site public_html/uploads', $lines, $archived);

foreach (glob('/home/site/public_html/uploads/' . date('Y/m') . '/*.png') as $image) {
    passthru('optipng -quiet -o2 ' . escapeshellarg($image));
}
$cleanup = 'find /home/site/backups -maxdepth 1 -type d -mtime +14 -exec rm -rf {} +';
exec($cleanup);
$disk = shell_exec('df -h /home');

$report = "database: " . ($dumped === 0 ? 'ok' : 'failed') . "\n"
    . "uploads: " . ($archived === 0 ? 'ok' : 'failed') . "\n\n" . $disk;
mail('webmaster@example.org', 'Nightly backup ' . $day, $report);
