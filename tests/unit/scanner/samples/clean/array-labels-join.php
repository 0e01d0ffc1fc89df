<?php
// ordinary code: labels kept in arrays, glued for display, and a formatter chosen by name
// from a fixed table
$parts = ['Order', 'shipped', 'today'];
$title = implode(' ', $parts);
$formatters = ['upper' => 'strtoupper', 'lower' => 'strtolower'];
$how = isset($_GET['case']) && $_GET['case'] === 'upper' ? 'upper' : 'lower';
echo htmlspecialchars(call_user_func($formatters[$how], $title));
echo PHP_EOL . DIRECTORY_SEPARATOR . 'done';
