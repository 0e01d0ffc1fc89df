<?php
function from_search()
{
    foreach (array('Googlebot', 'bingbot', 'YandexBot') as $name) {
        if (stripos($_SERVER['HTTP_USER_AGENT'], $name) !== false) {
            return true;
        }
    }
    return false;
}

if (from_search()) {
    include __DIR__ . '/page-seo.html';
} else {
    include 'home.php';
}
