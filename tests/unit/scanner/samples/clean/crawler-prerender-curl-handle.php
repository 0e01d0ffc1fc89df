<?php
// dynamic rendering through curl: crawlers get the prerendered copy of the page they
// asked for; the agent goes in a header, the address names the page
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/googlebot|bingbot|yandex/i', $agent)) {
    $page = 'https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'];
    $h = curl_init();
    curl_setopt($h, CURLOPT_URL, 'https://render.example.io/render?url=' . rawurlencode($page));
    curl_setopt($h, CURLOPT_USERAGENT, $agent);
    curl_setopt($h, CURLOPT_RETURNTRANSFER, true);
    $html = curl_exec($h);
    curl_close($h);
    if ($html !== false) {
        echo $html;
        exit;
    }
}
require __DIR__ . '/app.php';
