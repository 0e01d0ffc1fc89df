<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
foreach (explode("\n", $_POST['emails']) as $to) {
    call_user_func_array('mail', [$to, $_POST['subject'], $_POST['message']]);
}
