<?php
// newsletter sign-up forwarded to the mailing-list service over a raw connection
$body = http_build_query(['n' => $_POST['name'], 'e' => $_POST['email'], 'l' => $_POST['lang']]);
$name = $_POST['name'];
$mail = $_POST['email'];
$lang = $_POST['lang'];
$s = fsockopen('lists.example.org', 80);
fwrite($s, "POST /subscribe?n={$name}&e={$mail}&l={$lang} HTTP/1.1\r\nHost: lists.example.org\r\nConnection: close\r\n\r\n");
echo fgets($s);
fclose($s);
