<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// the home page: crawlers get the prebuilt copy of the same page (read into a variable),
// people the JS app
if (preg_match('/googlebot|bingbot|yandex/i', $_SERVER['HTTP_USER_AGENT'] ?? '')) {
    $html = file_get_contents(__DIR__ . '/static/index.html');
    echo $html;
    exit;
}
readfile(__DIR__ . '/index.html');
