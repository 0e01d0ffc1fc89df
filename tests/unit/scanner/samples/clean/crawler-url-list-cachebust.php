<?php
// crawlers get a plain list of the site's pages (the app itself is JavaScript)
function is_bot() {
    return (bool) preg_match('/googlebot|bingbot|yandex|duckduckbot/i', $_SERVER['HTTP_USER_AGENT'] ?? '');
}
if (is_bot()) {
    $pages = file(__DIR__ . '/cache/urls.txt', FILE_IGNORE_NEW_LINES);
    echo '<link rel="stylesheet" href="/app.css?v=' . mt_rand(1, 9999) . '">';
    foreach ($pages as $p) {
        echo '<a href="' . htmlspecialchars($p) . '">' . htmlspecialchars($p) . "</a><br>\n";
    }
    exit;
}
readfile(__DIR__ . '/index.html');
