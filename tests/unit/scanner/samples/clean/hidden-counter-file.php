<?php
// a hit counter kept in a dot file: a number, nothing the visitor sent
$f = __DIR__ . '/.hits';
$n = (int) @file_get_contents($f);
file_put_contents($f, (string) ($n + 1));
$h = fopen(__DIR__ . '/.visits.log', 'a');
fwrite($h, date('c') . ' ' . $_SERVER['REQUEST_URI'] . "\n");
fclose($h);
echo $n + 1;
