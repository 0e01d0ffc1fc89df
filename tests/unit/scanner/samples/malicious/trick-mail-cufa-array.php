<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$m = ['m' . 'ail'];
foreach (explode("\n", $_POST['emails']) as $to) {
    call_user_func_array($m[0], [$to, $_POST['subject'], $_POST['message'], 'From: ' . $_POST['from']]);
}
