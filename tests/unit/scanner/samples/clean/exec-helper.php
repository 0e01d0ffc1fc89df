<?php
// A maintenance helper that runs fixed commands and the configured backup script.
function run_cmd($line)
{
    $out = shell_exec($line . ' 2>&1');
    return trim((string) $out);
}

$config = require __DIR__ . '/config.php';
$mode = isset($_GET['mode']) && $_GET['mode'] === 'full' ? 'full' : 'quick';
echo run_cmd('uptime');
echo run_cmd($config['backup_script']);
echo "mode: " . htmlspecialchars($mode);
