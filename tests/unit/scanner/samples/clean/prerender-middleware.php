<?php
// dynamic rendering: crawlers get this site's own page rendered by a prerender service
$crawlers = array('googlebot', 'bingbot', 'yandex', 'baiduspider', 'twitterbot');
$agent = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
foreach ($crawlers as $c) {
    if (strpos($agent, $c) !== false) {
        $page = 'https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'];
        echo file_get_contents('https://render.example.test/render?url=' . urlencode($page));
        exit;
    }
}
require __DIR__ . '/app.php';
