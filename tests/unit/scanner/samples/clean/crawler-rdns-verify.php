<?php
// verifies that a visitor claiming to be Googlebot is one (reverse DNS, then forward), and
// logs fake crawlers; everybody gets the same page
$ip = $_SERVER['REMOTE_ADDR'];
$host = gethostbyaddr($ip);
$real = preg_match('/\.(googlebot|google)\.com$/', $host) && gethostbyname($host) === $ip;
if (!$real && stripos($_SERVER['HTTP_USER_AGENT'] ?? '', 'googlebot') !== false) {
    file_put_contents(__DIR__ . '/logs/fake-bots.log', $ip . "\n", FILE_APPEND);
}
$rates = json_decode(file_get_contents('https://api.example.org/rates.json'), true);
$eur = $rates['EUR'] ?? 1;
include __DIR__ . '/page.php';
