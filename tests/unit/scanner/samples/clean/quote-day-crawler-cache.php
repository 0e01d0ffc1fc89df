<?php
// a quote of the day: one quote and one picture picked from the site's lists, kept for the
// day; a crawler's visit does not count as a view
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (!preg_match('/googlebot|bingbot|yandex|spider/i', $ua)) {
    file_put_contents('stats/views.txt', date('Y-m-d') . "\n", FILE_APPEND);
}
if (is_file('cache/' . date('Y-m-d') . '.html')) {
    readfile('cache/' . date('Y-m-d') . '.html');
    exit;
}
$quotes = file('data/quotes.txt', FILE_IGNORE_NEW_LINES);
$pictures = file('data/pictures.txt', FILE_IGNORE_NEW_LINES);
$page = file_get_contents('templates/day.html');
$page = preg_replace('/\{quote\}/', $quotes[array_rand($quotes)], $page, 1);
$page = preg_replace('/\{picture\}/', $pictures[array_rand($pictures)], $page, 1);
file_put_contents('cache/' . date('Y-m-d') . '.html', $page);
echo $page;
