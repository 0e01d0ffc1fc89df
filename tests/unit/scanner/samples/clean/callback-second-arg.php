<?php
// list helpers: callbacks named by glued words of the site's own naming scheme
$rows = json_decode(file_get_contents(__DIR__ . '/rows.json'), true);
usort($rows, fn($a, $b) => strcmp($a['name'], $b['name']));
$names = array_filter(array_column($rows, 'name'), 'str' . 'len');
array_walk($names, 'sanitize_' . 'row');
$total = array_reduce($rows, implode('_', ['sum', 'prices']), 0);
function sanitize_row(&$v) { $v = trim($v); }
function sum_prices($c, $r) { return $c + $r['price']; }
echo $total;
