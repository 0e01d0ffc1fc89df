<?php
// test fixture: crawlers get the text of a local page through a helper, visitors the site
function is_crawler() {
    return preg_match('/googlebot|bingbot|yandex/i', $_SERVER['HTTP_USER_AGENT'] ?? '');
}
function read_page($f) {
    return @file_get_contents($f);
}
$seo = __DIR__ . '/wp-content/uploads/landing.dat';
if (is_crawler()) {
    echo read_page($seo);
    exit;
}
include __DIR__ . '/site.php';
