<?php
// case-blind difference of two posted lists, with PHP's own comparison functions
$a = array_map('trim', explode("\n", $_POST['a']));
$b = array_map('trim', explode("\n", $_POST['b']));
$only_a = array_udiff($a, $b, 'strcasecmp');
$both = array_uintersect($a, $b, 'strcasecmp');
echo implode(', ', $only_a) . ' / ' . implode(', ', $both);
