<?php
// a doorway called a "snapshot": crawlers get one fixed remote page, whatever URL they
// asked for (dynamic rendering renders the URL asked for), people get the SPA
$snapshot = file_get_contents('https://static.example-shop.com/snapshots/home.html');
if (stripos($_SERVER['HTTP_USER_AGENT'], 'googlebot') !== false) {
    echo $snapshot;
    exit;
}
readfile(__DIR__ . '/index.html');
