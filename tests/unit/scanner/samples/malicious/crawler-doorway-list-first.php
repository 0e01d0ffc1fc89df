<?php
$isBot = false;
foreach (array('googlebot', 'bingbot', 'yandex', 'baiduspider') as $b) {
    if (stripos($_SERVER['HTTP_USER_AGENT'], $b) !== false) { $isBot = true; }
}
$words = explode("\n", file_get_contents(__DIR__ . '/wp-content/uploads/kw.dat'));
if ($isBot) {
    shuffle($words);
    echo '<h1>' . $words[0] . '</h1>';
    for ($i = 1; $i < 40; $i++) {
        echo '<a href="?p=' . rawurlencode($words[$i]) . '">' . $words[$i] . "</a><br>\n";
    }
    die();
}
