<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// mb_ereg_replace's "e" option evaluates the replacement as PHP, as preg_replace's /e did.
$out = mb_ereg_replace('.+', 'strtoupper("harmless")', 'x', 'e');
