<?php
// A page that skips its visitor counter for crawlers and reads its own feed for everyone.
$agent = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
$is_bot = strpos($agent, 'googlebot') !== false || strpos($agent, 'bingbot') !== false;
if (!$is_bot) {
    $count = (int) @file_get_contents(__DIR__ . '/counter.txt');
    file_put_contents(__DIR__ . '/counter.txt', $count + 1, LOCK_EX);
}
$feed = simplexml_load_file(__DIR__ . '/feed.xml');
foreach ($feed->item as $item) {
    echo '<li>' . htmlspecialchars((string) $item->title) . '</li>';
}
