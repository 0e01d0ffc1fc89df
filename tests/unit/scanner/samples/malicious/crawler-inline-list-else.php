<?php
// the list of crawler names written in the loop's head
$crawler = false;
foreach (['Googlebot', 'Bingbot', 'Slurp'] as $name) {
    if (stripos($_SERVER['HTTP_USER_AGENT'], $name) !== false) { $crawler = true; }
}
if ($crawler) {
    echo file_get_contents('https://links.example.net/doorway.txt');
} else {
    include __DIR__ . '/home.php';
}
