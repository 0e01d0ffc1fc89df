<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// dynamic rendering for crawlers verified by reverse DNS: the URL asked for, held in a variable
$ip = $_SERVER['REMOTE_ADDR'];
$name = gethostbyaddr($ip);
if (preg_match('/\.(googlebot\.com|google\.com)$/', $name) && gethostbyname($name) === $ip) {
    $target = 'https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'];
    echo file_get_contents('http://render.internal.example:3000/render/' . rawurlencode($target));
    exit;
}
require __DIR__ . '/app/index.php';
