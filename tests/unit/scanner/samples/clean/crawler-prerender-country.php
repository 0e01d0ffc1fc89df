<?php
// dynamic rendering: crawlers get the prerendered copy of the page they asked for; the
// service is told the crawler's language and address, to render the page of its country
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/googlebot|bingbot|yandex/i', $agent)) {
    $html = file_get_contents('https://render.example.io/render?url=' . rawurlencode('https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'])
        . '&lang=' . rawurlencode($_SERVER['HTTP_ACCEPT_LANGUAGE'] ?? '') . '&ip=' . $_SERVER['REMOTE_ADDR']);
    if ($html !== false) {
        echo $html;
        exit;
    }
}
require __DIR__ . '/app.php';
