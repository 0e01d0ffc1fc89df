<?php
// shared-hosting helper: runs one of a few artisan maintenance commands
set_time_limit(300);
$allowedCommands = [
    'cache:clear',
    'config:clear',
    'view:clear',
    'route:cache',
    'optimize',
];
$command = isset($_GET['cmd']) ? $_GET['cmd'] : '';
if (!in_array($command, $allowedCommands)) {
    die('Invalid command. Allowed: ' . implode(', ', $allowedCommands));
}
header('Content-Type: text/plain');
chdir(__DIR__ . '/../laravel');
$output = [];
exec("php artisan {$command} 2>&1", $output, $code);
echo "Return code: {$code}\n" . implode("\n", $output);
