<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The same through a variable: a path under the script's folder that request input ends.
$p = dirname(__FILE__) . '/../' . $_GET['file'];
$h = fopen($p, 'r');
while (!feof($h)) {
    echo fgets($h);
}
fclose($h);
