<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Wakes a machine of the office network: the "magic packet" is six 0xFF bytes and the
// MAC address sixteen times, sent to the broadcast address.
function wake(string $mac, string $broadcast = '192.168.1.255'): bool
{
    $hw = '';
    foreach (explode(':', $mac) as $byte) {
        $hw .= chr(hexdec($byte));
    }
    $packet = chr(255) . chr(255) . chr(255) . chr(255) . chr(255) . chr(255) . str_repeat($hw, 16);
    $sock = socket_create(AF_INET, SOCK_DGRAM, SOL_UDP);
    if ($sock === false) {
        return false;
    }
    socket_set_option($sock, SOL_SOCKET, SO_BROADCAST, 1);
    $sent = socket_sendto($sock, $packet, strlen($packet), 0, $broadcast, 9);
    socket_close($sock);
    return $sent !== false;
}

echo wake('00:11:22:33:44:55') ? 'sent' : 'failed';
