<?php
// test fixture: crawlers get the prerendered snapshot of the page they asked for
function is_crawler() {
    return preg_match('/googlebot|bingbot|yandex/i', $_SERVER['HTTP_USER_AGENT'] ?? '');
}
function read_page($f) {
    return is_file($f) ? file_get_contents($f) : '';
}
$snap = __DIR__ . '/snapshots/' . md5($_SERVER['REQUEST_URI']) . '.html';
if (is_crawler()) {
    echo read_page($snap);
    exit;
}
echo read_page(__DIR__ . '/app.html');
