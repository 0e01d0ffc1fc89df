<?php
// a doorway named like a sitemap, its header sent first: crawlers get a text page of its
// own instead of the shop they asked for
if (stripos($_SERVER['HTTP_USER_AGENT'], 'googlebot') !== false) {
    header('Content-Type: text/plain');
    readfile('sitemap.txt');
    exit;
}
require __DIR__ . '/shop.php';
