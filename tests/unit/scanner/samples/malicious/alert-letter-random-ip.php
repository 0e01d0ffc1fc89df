<?php
// fills a "new sign-in" letter with a made-up address and sends it
$letter = file_get_contents(__DIR__ . '/letter.html');
$ip = long2ip(mt_rand(0, 4294967295));
$body = str_replace('{{ip}}', $ip, $letter);
mail('someone@example.org', 'New sign-in to your account', $body, "Content-Type: text/html\r\n");
