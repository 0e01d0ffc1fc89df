<?php
// banner rotator: crawlers get no ads (they would count as impressions)
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (!preg_match('/bot|crawl|spider|slurp/i', $ua)) {
    $ads = file(__DIR__ . '/ads.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
    shuffle($ads);
    foreach (array_slice($ads, 0, 3) as $ad) {
        list($url, $img) = explode('|', $ad);
        echo '<a href="' . htmlspecialchars($url) . '"><img src="' . htmlspecialchars($img) . '"></a>';
    }
    exit;
}
