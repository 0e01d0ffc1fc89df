<?php
// newsletter open tracking: which letter was opened, when, from which address
$mid = preg_replace('/[^a-z0-9]/i', '', $_GET['mid'] ?? '');
file_put_contents(__DIR__ . '/opens.log', date('c') . "\t" . $mid . "\t" . $_SERVER['REMOTE_ADDR'] . "\n", FILE_APPEND | LOCK_EX);
header('Content-Type: image/gif');
echo base64_decode('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');
