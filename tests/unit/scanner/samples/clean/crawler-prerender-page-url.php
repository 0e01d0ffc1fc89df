<?php
// dynamic rendering: crawlers get the prerendered copy of the page they asked for
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/googlebot|bingbot|yandex/i', $agent)) {
    $page = 'https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'];
    $html = file_get_contents('https://render.example.io/render?url=' . rawurlencode($page));
    if ($html !== false) {
        echo $html;
        exit;
    }
}
require __DIR__ . '/app.php';
