<?php
// a sorter whose callback comes from the configuration, with a default
$config = ['sort' => 'strcasecmp'];
$cmp = $config['sort'] ?? null;
$names = explode(',', $_GET['names'] ?? 'b,a');
usort($names, $cmp ? $cmp : 'strcmp');
echo call_user_func($cmp !== null ? $cmp : 'strcmp', 'a', 'b');
