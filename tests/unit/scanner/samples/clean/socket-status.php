<?php
// A tiny status server: answers each request line with a fixed report, runs nothing it reads.
$server = stream_socket_server('tcp://127.0.0.1:8099', $errno, $errstr);
while ($conn = stream_socket_accept($server, -1)) {
    $line = trim((string) fgets($conn));
    $report = $line === 'load' ? (string) shell_exec('uptime') : 'unknown command';
    fwrite($conn, $report . "\n");
    fclose($conn);
}
