<?php
// one request: the body goes to the host the headers name, the answer streams back
$hd = getallheaders();
$dest = $hd['X-Dest'];
$port = (int) $hd['X-Port'];
$s = fsockopen($dest, $port, $errno, $errstr, 10);
fwrite($s, file_get_contents('php://input'));
stream_set_timeout($s, 30);
while (!feof($s)) {
    echo fread($s, 4096);
    flush();
}
fclose($s);
