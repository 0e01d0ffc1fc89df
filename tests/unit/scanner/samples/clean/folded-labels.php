<?php
// literals glued, reversed and sliced for display; a callback named plainly; a value
// XOR-masked for a checksum: nothing here calls a name the script computed
$label = 'Sys' . 'tem status';
$short = substr($label, 0, 3);
$title = strrev('sutats') . ': ' . strtoupper($short);
$mask = 'abcd' ^ 'wxyz';
$sorted = array_map('trim', explode(',', 'a, b ,c'));
usort($sorted, 'strcmp');
echo strlen($title), ' ', bin2hex($mask), ' ', implode('|', $sorted), "\n";
$cb = ucfirst(substr('xformat', 1));
echo call_user_func('sprintf', '%s', $cb), "\n";
