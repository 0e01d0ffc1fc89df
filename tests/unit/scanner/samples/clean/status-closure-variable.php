<?php
// server status page: the runner closure is kept in a variable and mapped over the page's own
// commands; the request only picks which block to show, and the posted list is sorted by a
// comparison that runs nothing
require __DIR__ . '/auth.php';
$run = function ($cmd) {
    return shell_exec($cmd);
};
$out = array_map($run, ['uptime' => 'uptime', 'disk' => 'df -h']);
$show = isset($out[$_GET['block'] ?? '']) ? $_GET['block'] : 'uptime';
echo '<pre>' . htmlspecialchars((string) $out[$show]) . '</pre>';
$names = [$_POST['first'] ?? '', $_POST['second'] ?? ''];
$cmp = function ($a, $b) {
    return strcmp($a, $b);
};
usort($names, $cmp);
array_walk($names, function (&$v) {
    $v = htmlspecialchars($v);
});
echo implode(', ', $names);
