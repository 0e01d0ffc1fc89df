<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// a docs search: a closure of the script's own quotes the term
$quote = fn ($s) => escapeshellarg($s);
$term = trim($_GET['q'] ?? '');
if ($term !== '') {
    echo nl2br(htmlspecialchars((string) shell_exec('grep -rl ' . $quote($term) . ' ' . escapeshellarg(__DIR__ . '/docs'))));
}
