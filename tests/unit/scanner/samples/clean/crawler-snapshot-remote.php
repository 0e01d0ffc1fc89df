<?php
// dynamic rendering: crawlers get the static snapshot our build makes, people the SPA
$snapshot = file_get_contents('https://static.example-shop.com/snapshots/home.html');
if (stripos($_SERVER['HTTP_USER_AGENT'], 'googlebot') !== false) {
    echo $snapshot;
    exit;
}
readfile(__DIR__ . '/index.html');
