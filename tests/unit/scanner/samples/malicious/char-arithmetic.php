<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Character codes computed from float arithmetic, then a variable function call.
$p = "x65144x6f154x70170x65";
$f = chr(2687.5*0.016) . chr(3625*0.016) . chr(7062.5*0.016);
$g = $f($p);
