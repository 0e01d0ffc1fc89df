<?php
// newsletter open tracking: /o.php?c=spring24&u=8812 logs the raw query of each open
$line = date('c') . "\t" . $_SERVER['REMOTE_ADDR'] . "\t" . $_SERVER['QUERY_STRING'] . "\n";
file_put_contents(__DIR__ . '/data/opens-' . date('Ym') . '.log', $line, FILE_APPEND | LOCK_EX);
header('Content-Type: image/gif');
echo base64_decode('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');
