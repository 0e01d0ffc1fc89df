<?php
// a SOCKS4 server on a high port: the client's request names where to go
@set_time_limit(0);
$srv = stream_socket_server('tcp://0.0.0.0:' . (int) $argv[1], $en, $es);
while ($cli = stream_socket_accept($srv, -1)) {
    $req = fread($cli, 9);
    $port = unpack('n', substr($req, 2, 2))[1];
    $ip = long2ip(unpack('N', substr($req, 4, 4))[1]);
    $up = stream_socket_client("tcp://$ip:$port", $en, $es, 10);
    fwrite($cli, "\x00\x5a\x00\x00\x00\x00\x00\x00");
    $pair = array($cli, $up);
    while (true) {
        $r = $pair; $w = null; $x = null;
        stream_select($r, $w, $x, null);
        foreach ($r as $s) {
            $d = fread($s, 8192);
            if ($d === '' || $d === false) break 2;
            fwrite($s === $cli ? $up : $cli, $d);
        }
    }
}
