<?php
// Visitor preferences read from a copy of the cookies; each known key is formatted by a
// function the script itself names in its own table.
$formatters = ['theme' => 'strtolower', 'lang' => 'strtoupper'];
$settings = [];
$prefs = $_COOKIE;
foreach ($prefs as $key => $value) {
    if (isset($formatters[$key])) {
        $fmt = $formatters[$key];
        $settings[$key] = $fmt(substr((string) $value, 0, 16));
    }
}
echo json_encode($settings);
