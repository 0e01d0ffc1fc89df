<?php
// a doorway named like a sitemap: crawlers get a page of its own instead of the shop they
// asked for, people get the shop (a name proves nothing: what is served differs)
if (preg_match('/googlebot|bingbot/i', $_SERVER['HTTP_USER_AGENT'])) {
    echo file_get_contents(__DIR__ . '/sitemap.html');
    exit;
}
require __DIR__ . '/shop.php';
