<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
// a view helper that calls its escaping function by name, and a first-class callable
$title = 'htmlspecialchars'($_GET['title'] ?? 'Untitled', ENT_QUOTES);
$upper = strtoupper(...);
echo '<h1>', $upper($title), '</h1>';
echo 'system', ' (', date('Y'), ')';
