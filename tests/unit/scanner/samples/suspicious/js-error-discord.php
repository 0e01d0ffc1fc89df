<?php
// window.onerror beacon: /jserr.php?msg=...&src=...&line=... reported to the dev channel
$text = "JS error on the shop\n";
foreach ($_GET as $k => $v) {
    $text .= "**$k**: " . substr($v, 0, 300) . "\n";
}
$ch = curl_init('https://discord.com/api/webhooks/123/abc');
curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['content' => $text]));
curl_setopt($ch, CURLOPT_HTTPHEADER, ['Content-Type: application/json']);
curl_exec($ch);
header('Content-Type: image/gif');
echo base64_decode('R0lGODlhAQABAAAAACw=');
