<?php
// spamtrace test sample: clean look-alike (a status page checks a port the admin types, three
// tries; a worker keeps a connection to its own queue server from the settings and writes
// heartbeats for ever: neither floods a host the visitor names).
function check_port($host, $port) {
    for ($i = 0; $i < 3; $i++) {
        $fp = @fsockopen('tcp://' . $host, $port, $errno, $errstr, 2);
        if ($fp) {
            fwrite($fp, "PING\r\n");
            fclose($fp);
            return true;
        }
    }
    return false;
}
function heartbeat(array $cfg) {
    while (true) {
        $q = @fsockopen('tcp://' . $cfg['queue_host'], $cfg['queue_port'], $e, $s, 5);
        if ($q) {
            fwrite($q, "HB\n");
            fclose($q);
        }
        sleep(30);
    }
}
echo check_port($_GET['host'], (int) $_GET['port']) ? 'open' : 'closed';
if (PHP_SAPI === 'cli') {
    heartbeat(require __DIR__ . '/settings.php');
}
