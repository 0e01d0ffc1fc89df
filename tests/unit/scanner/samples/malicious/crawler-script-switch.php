<?php
// the front page: search engines get the operator's script, people get the shop
function visitor_is_crawler()
{
    $agent = isset($_SERVER['HTTP_USER_AGENT']) ? $_SERVER['HTTP_USER_AGENT'] : '';
    foreach (array('Googlebot', 'bingbot', 'Yandex') as $name) {
        if (stripos($agent, $name) !== false) {
            return true;
        }
    }
    return false;
}
if (visitor_is_crawler()) {
    include __DIR__ . '/landing-seo.php';
} else {
    require __DIR__ . '/shop.php';
}
