<?php
// server status page: a fixed list of commands, the visitor only picks which block to show
require __DIR__ . '/auth.php';
$commands = array('uptime' => 'uptime', 'disk' => 'df -h', 'memory' => 'free -m');
$out = array_map(fn ($c) => shell_exec($c), $commands);
$show = isset($out[$_GET['block'] ?? '']) ? $_GET['block'] : 'uptime';
echo '<pre>' . htmlspecialchars((string) $out[$show]) . '</pre>';
