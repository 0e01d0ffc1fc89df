<?php
// Closures that format request values and run a fixed command.
$fmt = function ($value) {
    return htmlspecialchars(trim($value), ENT_QUOTES, 'UTF-8');
};
$in = fn($k) => $_GET[$k] ?? '';
echo '<p>' . $fmt($in('name')) . '</p>';
$run = function ($cmd) {
    return shell_exec($cmd);
};
echo $run('uptime');
echo $run('df -h ' . escapeshellarg($in('mount')));
