<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a doorway that calls its page "prerender": crawlers get it, people get the site
$a = $_SERVER['HTTP_USER_AGENT'];
if (stristr($a, 'Googlebot') || stristr($a, 'bingbot')) {
    include 'prerender/index.html';
    exit();
}
