<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// an A/B test: crawlers always get the control page, people a random arm of the same folder
if (preg_match('/bot|crawl|spider|slurp/i', $_SERVER['HTTP_USER_AGENT'] ?? '')) {
    include __DIR__ . '/variants/control.html';
    exit;
}
$arm = $_COOKIE['ab_arm'] ?? (mt_rand(0, 1) ? 'b' : 'control');
setcookie('ab_arm', $arm, time() + 86400 * 30, '/');
include __DIR__ . '/variants/' . ($arm === 'b' ? 'b' : 'control') . '.html';
