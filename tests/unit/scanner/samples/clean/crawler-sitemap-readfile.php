<?php
if (stripos($_SERVER['HTTP_USER_AGENT'], 'googlebot') !== false) {
    header('Content-Type: text/plain');
    readfile('sitemap.txt');
    exit;
}
require __DIR__ . '/shop.php';
