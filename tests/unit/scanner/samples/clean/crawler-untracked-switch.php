<?php
// crawlers skip the visitor tracking: the test is negated, both scripts are the site's own
function is_crawler() {
    return (bool) preg_match('/googlebot|bingbot|yandex/i', $_SERVER['HTTP_USER_AGENT'] ?? '');
}
if (!is_crawler()) {
    include __DIR__ . '/tracking.php';
} else {
    include __DIR__ . '/no-tracking.php';
}
