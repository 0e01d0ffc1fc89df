<?php
// spamtrace test sample: a security plugin that looks for reverse-shell commands in logs.
$patterns = array('/dev/tcp/', 'nc -e /bin/sh', 'mkfifo /tmp/f;cat /tmp/f|sh -i|nc', 'socat exec:');
$log = file_get_contents('/var/log/app/commands.log');
foreach ($patterns as $p) {
    if (stripos($log, $p) !== false) {
        echo "suspicious command in log: " . htmlspecialchars($p) . "\n";
    }
}
$who = shell_exec('whoami');
echo "checked as " . trim($who) . "\n";
