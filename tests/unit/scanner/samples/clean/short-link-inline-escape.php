<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A short-link redirect: the code is escaped in the call itself and stands between the
// double quotes of the script's own SELECT (MySQL takes "..." as a string too).
require 'config.php';
$code = short_code_of($_GET['u']);
$res = mysql_query('SELECT long_url FROM ' . LINKS . ' WHERE code="' . mysql_real_escape_string($code) . '"');
header('Location: ' . mysql_result($res, 0, 0));
