<?php
// a spider pool's page built by helpers of its own: a random index, a random element, lists
// read into two names at once (written for the tests, never run)
function idx($a) { return mt_rand(0, count($a) - 1); }
function one($a) { return $a[idx($a)]; }
$isbot = false;
foreach (array('spider', 'bot') as $w) {
    if (stristr($_SERVER['HTTP_USER_AGENT'], $w)) { $isbot = true; }
}
$html = file_get_contents('cache/tpl.html');
$words = $bak_words = file('data/words.txt');
$links = $bak_links = file('data/links.txt');
while (strpos($html, '[word]') !== false) {
    $html = preg_replace('/\[word\]/', trim(one($words)), $html, 1);
}
while (strpos($html, '[link]') !== false) {
    $html = preg_replace('/\[link\]/', trim(one($links)), $html, 1);
}
echo $isbot ? $html : '<script src="/ad.js"></script>';
