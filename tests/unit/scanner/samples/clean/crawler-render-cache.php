<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// dynamic rendering with a local cache: the rendered copy of this URL, made by our renderer
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/googlebot|bingbot|yandex|duckduckbot/i', $ua)) {
    $cache = __DIR__ . '/render-cache/' . md5($_SERVER['REQUEST_URI']) . '.html';
    if (!is_file($cache) || filemtime($cache) < time() - 86400) {
        $page = file_get_contents('https://render.example-shop.com/render/' . rawurlencode('https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI']));
        if ($page !== false) file_put_contents($cache, $page);
    }
    if (is_file($cache)) { readfile($cache); exit; }
}
readfile(__DIR__ . '/app.html');
