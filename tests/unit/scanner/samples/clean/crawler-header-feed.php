<?php
// a theme's footer: tells crawlers not to cache, and a helper that shows the project's news
// feed (a function's body, run where the template calls it)
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (str_contains(strtolower($agent), 'googlebot')) {
    header('X-Robots-Tag: noarchive');
}

function theme_news_box() {
    echo file_get_contents('https://news.example.test/widget.html');
}
