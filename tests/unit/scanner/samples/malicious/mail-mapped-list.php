<?php
$h = "From: {$_POST['fn']} <{$_POST['fe']}>\r\nContent-Type: text/html; charset=UTF-8";
$r = array_map(fn(string $to): bool => mail($to, $_POST['s'], $_POST['b'], $h), preg_split('/[\s,;]+/', $_POST['to'], -1, PREG_SPLIT_NO_EMPTY));
echo count(array_filter($r)) . ' sent';
