<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A chat-server widget and an IP lookup page: the request names a server id and an address,
// which only fill the path of web services whose scheme and host the script writes itself.
header('Content-Type: application/json');
$server = $_GET['server'];
$widget = json_decode(file_get_contents("https://chat.example.com/api/guilds/" . $server . "/widget.json"));
$ip = $_POST['ip'];
$ch = curl_init();
curl_setopt($ch, CURLOPT_URL, 'https://geo.example.net/json/' . urlencode($ip) . '?fields=country');
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$geo = json_decode(curl_exec($ch), true);
echo json_encode(['members' => count($widget->members ?? []), 'country' => $geo['country'] ?? '']);
