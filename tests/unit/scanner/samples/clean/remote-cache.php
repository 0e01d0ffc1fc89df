<?php
// spamtrace test sample: clean look-alike (a plugin caches a remote JSON feed in a file and
// includes its own template; the downloaded data is decoded, never included).
$cache = __DIR__ . '/cache/feed.json';
if (!is_file($cache) || filemtime($cache) < time() - 3600) {
    file_put_contents($cache, file_get_contents('https://feeds.example.org/news.json'));
}
$items = json_decode(file_get_contents($cache), true);
$template = __DIR__ . '/templates/feed.php';
include $template;
$h = fopen($cache . '.log', 'a');
fwrite($h, file_get_contents('https://feeds.example.org/status.txt'));
fclose($h);
