<?php
// a small tool that reads its input with filter_input(): a validated number, a name passed
// to its command as a quoted argument, the visitor's address in a log line
$size = filter_input(INPUT_GET, 'size', FILTER_VALIDATE_INT) ?: 128;
$name = basename((string) filter_input(INPUT_POST, 'image'));
$ip = filter_input(INPUT_SERVER, 'REMOTE_ADDR');
exec("convert " . escapeshellarg("/srv/img/" . $name) . " -resize " . $size . " out.png");
error_log("resized for " . $ip);
mail('admin@example.org', 'resize done', "resized for " . $ip);
