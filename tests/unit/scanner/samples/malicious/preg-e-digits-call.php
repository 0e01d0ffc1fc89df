<?php
// a numeric-looking /e whose replacement calls the shell
$n = preg_replace('/(\d+)/e', 'shell_exec("id") . "$1"', '404');
echo $n;
