<?php
// a site's header: a random tagline from its own list; crawlers are not counted in the stats
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (stripos($ua, 'googlebot') === false && stripos($ua, 'spider') === false) {
    file_put_contents(__DIR__ . '/stats/views.log', date('c') . "\n", FILE_APPEND);
}
$taglines = file(__DIR__ . '/taglines.txt', FILE_IGNORE_NEW_LINES);
$tpl = file_get_contents(__DIR__ . '/header.html');
echo str_replace('{tagline}', $taglines[array_rand($taglines)], $tpl);
