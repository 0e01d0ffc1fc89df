<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$hooks = ['init' => [], 'title' => ['trim', 'ucfirst', htmlspecialchars(...)]];
$value = $_GET['t'] ?? '';
foreach ($hooks['title'] as $fn) { $value = $fn($value); }
$cb = Closure::fromCallable('strrev');
echo $value, $cb('abc');
