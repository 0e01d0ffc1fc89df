<?php
// paid-traffic landing: a fraud-scoring service checks each click; bots get a captcha page on our help site
$q = http_build_query(['ip' => $_SERVER['REMOTE_ADDR'], 'user_agent' => $_SERVER['HTTP_USER_AGENT'], 'referer' => $_SERVER['HTTP_REFERER'] ?? '']);
$res = file_get_contents('https://fraudscore.example.net/api/check?' . $q);
$json = json_decode($res, true);
if ($json['bot'] == true) {
    header('Location: https://help.example-shop.com/verify');
    exit;
}
include 'landing.html';
