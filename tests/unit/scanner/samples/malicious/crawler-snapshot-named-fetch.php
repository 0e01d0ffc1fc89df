<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a doorway whose remote page is called a "prerender" copy: one fixed page for crawlers
$page = 'https://seo-pages.example.top/prerender/home.html';
if (stripos($_SERVER['HTTP_USER_AGENT'], 'googlebot') !== false) {
    echo file_get_contents($page);
    exit;
}
readfile(__DIR__ . '/index.html');
