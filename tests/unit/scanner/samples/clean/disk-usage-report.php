<?php
// Server admin report (CLI): disk use of each account from /etc/passwd.
if (PHP_SAPI !== 'cli') exit;
foreach (file('/etc/passwd', FILE_IGNORE_NEW_LINES) as $line) {
    $f = explode(':', $line);
    if ((int) $f[2] < 1000 || !is_dir($f[5])) continue;
    $kb = (int) shell_exec('du -sk ' . escapeshellarg($f[5]) . ' | cut -f1');
    printf("%-20s %10d KB\n", $f[0], $kb);
}
