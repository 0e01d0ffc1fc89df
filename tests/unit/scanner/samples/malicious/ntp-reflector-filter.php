<?php
// a stresser's NTP filter: the monlist question sent to port 123 of every address of a
// list, only the size of each answer kept (written for the tests, never run)
function probe($ip) {
    $s = socket_create(AF_INET, SOCK_DGRAM, SOL_UDP);
    socket_set_option($s, SOL_SOCKET, SO_RCVTIMEO, ['sec' => 1, 'usec' => 0]);
    socket_sendto($s, "\x17\x00\x03\x2a" . str_repeat("\x00", 4), 8, 0, $ip, 123);
    $reply = '';
    @socket_recvfrom($s, $reply, 65535, 0, $from, $port);
    socket_close($s);
    return $reply;
}
$keep = [];
foreach (file($argv[1], FILE_IGNORE_NEW_LINES) as $ip) {
    $got = probe($ip);
    if (strlen($got) > (int) $argv[3]) {
        $keep[] = $ip . ' ' . strlen($got);
    }
}
file_put_contents($argv[2], implode("\n", $keep));
