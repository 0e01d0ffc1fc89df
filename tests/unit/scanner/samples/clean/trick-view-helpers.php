<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
function e($s) { return htmlspecialchars((string) $s, ENT_QUOTES, 'UTF-8'); }
function q($name, $default = '') { return isset($_GET[$name]) ? trim($_GET[$name]) : $default; }
$fmt = fn($n) => number_format((float) $n, 2);
echo '<h1>', e(q('title', 'Shop')), '</h1><p>', $fmt($_GET['price'] ?? 0), '</p>';
