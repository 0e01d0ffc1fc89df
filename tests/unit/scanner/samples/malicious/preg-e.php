<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$r = preg_replace('/.*/e', 'strtoupper("harmless")', 'x');
