<?php
// Same-origin proxy for the map widget: the body relayed to the one backend the site uses.
$backend = 'https://api.example.com/v2/route';
$ch = curl_init($backend);
curl_setopt($ch, CURLOPT_POST, true);
curl_setopt($ch, CURLOPT_POSTFIELDS, file_get_contents('php://input'));
curl_setopt($ch, CURLOPT_HTTPHEADER, array('Content-Type: application/json', 'Authorization: Bearer ' . getenv('MAP_KEY')));
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
header('Content-Type: application/json');
echo curl_exec($ch);
