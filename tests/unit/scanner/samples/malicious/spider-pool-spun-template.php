<?php
// a spider pool's page: people go elsewhere, crawlers get a template spun from word lists
// (written for the tests, never run)
$ua = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
if (strpos($ua, 'baiduspider') === false && strpos($ua, 'sogou') === false) {
    header('Location: https://ads.example.com/');
    exit;
}
$tpls = glob(__DIR__ . '/tpl/*.html');
$page = file_get_contents($tpls[array_rand($tpls)]);
$kw = file(__DIR__ . '/data/keywords.txt', FILE_IGNORE_NEW_LINES);
$lines = file(__DIR__ . '/data/sentences.txt', FILE_IGNORE_NEW_LINES);
$n = substr_count($page, '{keyword}');
for ($i = 0; $i < $n; $i++) {
    $page = preg_replace('/\{keyword\}/', $kw[mt_rand(0, count($kw) - 1)], $page, 1);
}
$n = substr_count($page, '{sentence}');
for ($i = 0; $i < $n; $i++) {
    $page = preg_replace('/\{sentence\}/', $lines[array_rand($lines)], $page, 1);
}
echo $page;
