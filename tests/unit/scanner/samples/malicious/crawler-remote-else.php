<?php
$crawler = false;
$engines = ['Googlebot', 'Bingbot', 'Slurp'];
foreach ($engines as $name) {
    if (stripos($_SERVER['HTTP_USER_AGENT'], $name) !== false) {
        $crawler = true;
    }
}
if ($crawler) {
    echo file_get_contents('https://links.example.net/doorway.txt');
} else {
    include __DIR__ . '/home.php';
}
