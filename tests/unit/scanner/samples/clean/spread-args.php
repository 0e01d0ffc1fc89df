<?php
// argument unpacking of the script's own arrays
function money(...$parts) { return sprintf('%s %0.2f', ...$parts); }
$columns = array(array(1, 2), array(3, 4));
$pairs = array_map(null, ...$columns);
$handler = 'money';
$args = array('EUR', 12.5);
echo $handler(...$args);
usort($pairs, function ($a, $b) { return $a[0] <=> $b[0]; });
$fields = array_map('trim', $_POST);
