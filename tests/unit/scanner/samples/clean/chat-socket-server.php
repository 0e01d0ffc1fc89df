<?php
// a small chat server started from the command line: every line goes to every client
$server = stream_socket_server('tcp://127.0.0.1:9300', $errno, $errstr);
$backend = stream_socket_client('tcp://' . getenv('REDIS_HOST') . ':6379', $errno, $errstr);
$clients = array();
while (true) {
    $read = $clients;
    $read[] = $server;
    $w = $x = null;
    stream_select($read, $w, $x, null);
    if (in_array($server, $read, true)) {
        $clients[] = stream_socket_accept($server);
        continue;
    }
    foreach ($read as $c) {
        $line = fgets($c);
        if ($line === false) { continue; }
        fwrite($backend, 'PUBLISH chat ' . json_encode(trim($line)) . "\r\n");
        foreach ($clients as $o) { fwrite($o, $line); }
    }
}
