<?php
$l = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_bind($l, '0.0.0.0', 1081);
socket_listen($l);
for (;;) {
    $c = socket_accept($l);
    socket_recv($c, $hello, 262, 0);
    socket_write($c, "\x05\x00");
    socket_recv($c, $head, 4, 0);
    $len = ord(socket_read($c, 1));
    $host = socket_read($c, $len);
    $p = unpack('n', socket_read($c, 2));
    $o = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
    socket_connect($o, gethostbyname($host), $p[1]);
    socket_write($c, "\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00");
}
