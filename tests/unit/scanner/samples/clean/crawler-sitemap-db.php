<?php
// a plain HTML sitemap for crawlers; people get the app
require __DIR__ . '/bootstrap.php';
if (preg_match('/googlebot|bingbot/i', $_SERVER['HTTP_USER_AGENT'] ?? '')) {
    $rows = $db->query('SELECT slug, title FROM posts WHERE published = 1 ORDER BY id');
    foreach ($rows as $row) {
        echo '<a href="/' . htmlspecialchars($row['slug']) . '">' . htmlspecialchars($row['title']) . "</a>\n";
    }
    exit;
}
include __DIR__ . '/app.php';
