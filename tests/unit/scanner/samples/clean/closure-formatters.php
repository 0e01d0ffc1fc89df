<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// closures that format what the visitor typed, called through their variables
$label = function ($a, $b) { return $a . ': ' . $b; };
$fmt = function ($s) { return strtoupper(trim($s)); };
$key = $label('status', 'ok');
$out = $fmt($_GET['name'] ?? 'guest');
echo htmlspecialchars($key . ' ' . $out);
