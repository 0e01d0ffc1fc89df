<?php
// the site's JSON-RPC endpoint: the request body goes to the local daemon, its answer back
session_start();
$cfg = require __DIR__ . '/config.php';
$body = file_get_contents('php://input');
if (json_decode($body) === null) {
    http_response_code(400);
    exit;
}
$s = stream_socket_client('unix://' . $cfg['daemon_socket'], $en, $es, 5);
fwrite($s, $body . "\n");
$reply = fgets($s, 65536);
fclose($s);
$_SESSION['calls'] .= '.';
header('Content-Type: application/json');
echo $reply;
flush();
