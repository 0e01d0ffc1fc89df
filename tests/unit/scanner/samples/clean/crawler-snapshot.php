<?php
// dynamic rendering: crawlers get the prerendered snapshot of the page they asked for
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/googlebot|bingbot|yandex/i', $agent)) {
    $snap = __DIR__ . '/snapshots/' . md5($_SERVER['REQUEST_URI']) . '.html';
    if (is_file($snap)) {
        readfile($snap);
        exit;
    }
}
require __DIR__ . '/app.php';
