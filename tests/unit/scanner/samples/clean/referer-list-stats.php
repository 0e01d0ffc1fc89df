<?php
// counts visits that came from a search engine (no redirect), and sends other visitors to
// the page they asked for in their language
$ref = $_SERVER['HTTP_REFERER'] ?? '';
$engines = ['google.', 'bing.', 'duckduckgo.'];
if (array_filter($engines, fn($e) => str_contains($ref, $e))) {
    file_put_contents(__DIR__ . '/stats/search.txt', date('c') . "\n", FILE_APPEND);
}
if (empty($_COOKIE['lang'])) {
    header('Location: /en/');
    exit;
}
