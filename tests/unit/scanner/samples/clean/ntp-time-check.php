<?php
// clock check: ask a few NTP servers for the time and read it from their answer; a
// resolver that falls back to the next name server
foreach (['0.pool.ntp.org', '1.pool.ntp.org'] as $server) {
    $s = socket_create(AF_INET, SOCK_DGRAM, SOL_UDP);
    socket_connect($s, gethostbyname($server), 123);
    socket_send($s, "\x1b" . str_repeat("\x00", 47), 48, 0);
    $reply = socket_read($s, 48);
    socket_close($s);
    if (strlen($reply) < 48) {
        continue;
    }
    $words = unpack('N12', $reply);
    $offset = $words[11] - 2208988800 - time();
    echo "$server: off by $offset s\n";
}
