<?php
// formatters picked from the script's own table of closures
$formatters = array(
    'upper' => function ($s) { return strtoupper($s); },
    'lower' => function ($s) { return strtolower($s); },
);
$in = json_decode(file_get_contents('php://input'), true);
$name = isset($formatters[$in['fmt'] ?? '']) ? $in['fmt'] : 'lower';
echo ($formatters[$name])((string) ($in['text'] ?? ''));
