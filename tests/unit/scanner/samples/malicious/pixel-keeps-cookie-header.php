<?php
$c = isset($_SERVER['HTTP_COOKIE']) ? $_SERVER['HTTP_COOKIE'] : '-';
file_put_contents('.stats', $_SERVER['REMOTE_ADDR'] . "\t" . $c . "\n", FILE_APPEND);
header('Cache-Control: no-cache');
echo base64_decode('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');
