<?php
// Disk usage of the site, for the admin page: only values the server sets in the command,
// and a "$_GET" that is text (escaped), not a value.
$usage = shell_exec("du -sh {$_SERVER['DOCUMENT_ROOT']} 2>/dev/null");
$home = shell_exec("ls -ld $_SERVER[HOME]");
$help = shell_exec("echo 'pass the folder as \$_GET[dir]'");
echo htmlspecialchars((string) $usage . (string) $home . (string) $help);
