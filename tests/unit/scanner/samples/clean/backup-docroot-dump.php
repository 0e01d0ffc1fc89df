<?php
// nightly database backup: a gzipped dump into the site's own backups folder
$host = 'localhost';
$user = 'backup';
$pass = 'secret';
$db   = 'shop';
$stamp = date('Ymd-Hi');
system(sprintf(
    'mysqldump --opt -h %s -u %s -p%s %s | gzip > %s/backups/%s-%s.gz',
    $host, $user, $pass, $db, getenv('DOCUMENT_ROOT'), $db, $stamp
));
exec('du -sh ' . $_SERVER['HOME'] . '/backups', $out);
echo 'done: ' . implode(' ', $out);
