<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// the home page: crawlers get the prebuilt copy of the same page, people the JS app
if (preg_match('/googlebot|bingbot|yandex/i', $_SERVER['HTTP_USER_AGENT'] ?? '')) {
    readfile(__DIR__ . '/static/index.html');
    exit;
}
readfile(__DIR__ . '/index.html');
