<?php
// test fixture: a dated backup of the config, then the visitor sent to the report
$stamp = date('Ymd-His');
$target = 'backups/' . $stamp;
@mkdir($target, 0700, true);
copy('config.php', $target . '/config.php');
$token = md5(mt_rand());
header('Location: report.php?backup=' . $stamp);
