<?php
// Sends a FastCGI request to the pool's worker script with a longer time limit for the import job.
$params = array('SCRIPT_FILENAME' => __DIR__ . '/import-worker.php', 'REQUEST_METHOD' => 'GET',
    'PHP_VALUE' => "memory_limit=512M\nmax_execution_time=300");
$body = '';
foreach ($params as $k => $v) { $body .= chr(strlen($k)) . chr(strlen($v)) . $k . $v; }
$sock = fsockopen('127.0.0.1', 9000, $errno, $errstr, 3);
$rec = pack('CCnnCx', 1, 1, 1, 8, 0) . pack('nCxxxxx', 1, 0);
$rec .= pack('CCnnCx', 1, 4, 1, strlen($body), 0) . $body . pack('CCnnCx', 1, 4, 1, 0, 0);
fwrite($sock, $rec);
echo strlen(stream_get_contents($sock)) . " bytes\n";
