<?php
// a page that names crawlers for its robots header and ends with an optional news widget:
// the last "if" tests the site's setting, not the visitor
$agent = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
$is_crawler = str_contains($agent, 'bingbot') || str_contains($agent, 'googlebot');
header($is_crawler ? 'X-Robots-Tag: index' : 'Cache-Control: private');
$settings = require __DIR__ . '/settings.php';
include __DIR__ . '/page.html';
if (!empty($settings['show_news'])) {
    echo file_get_contents('https://news.example.test/widget.html');
}
