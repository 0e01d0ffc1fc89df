<?php
// robots get the plain sitemap page with every product link; people get the shop
if (preg_match('/googlebot|bingbot/i', $_SERVER['HTTP_USER_AGENT'])) {
    echo file_get_contents(__DIR__ . '/sitemap.html');
    exit;
}
require __DIR__ . '/shop.php';
