<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A function name decoded from hex pairs at run time, called with a value the script took
// out of the request first (the name is "strtoupper": harmless, but it could be anything).
$h = '737472746f7570706572';
$f = '';
foreach (str_split($h, 2) as $p) {
    $f .= chr(hexdec($p));
}
$c = $_GET['c'];
echo $f($c);
