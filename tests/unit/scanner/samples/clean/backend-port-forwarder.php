<?php
// a development forwarder: local port 8081 to the app container named in the settings
$cfg = parse_ini_file(__DIR__ . '/forward.ini');
$l = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_bind($l, '127.0.0.1', 8081);
socket_listen($l);
while ($c = socket_accept($l)) {
    $first = socket_read($c, 1024);
    $o = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
    socket_connect($o, $cfg['app_host'], (int) $cfg['app_port']);
    socket_write($o, $first);
    socket_write($c, socket_read($o, 65536));
    socket_close($o);
    socket_close($c);
}
