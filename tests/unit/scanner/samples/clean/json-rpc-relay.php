<?php
// JSON-RPC relay: the request body is passed to the application server and its answer
// returned to the caller
$host = getenv('RPC_BACKEND_HOST') ?: '127.0.0.1';
$sock = fsockopen($host, 8545, $errno, $errstr, 5);
if (!$sock) {
    http_response_code(502);
    exit;
}
$body = file_get_contents('php://input');
fwrite($sock, "POST / HTTP/1.0\r\nHost: $host\r\nContent-Type: application/json\r\n");
fwrite($sock, 'Content-Length: ' . strlen($body) . "\r\n\r\n");
fwrite($sock, file_get_contents('php://input'));
$answer = stream_get_contents($sock);
fclose($sock);
header('Content-Type: application/json');
echo substr($answer, strpos($answer, "\r\n\r\n") + 4);
