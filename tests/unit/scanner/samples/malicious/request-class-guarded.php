<?php
$c = isset($_GET['c']) ? $_GET['c'] : 'ArrayObject';
$o = new $c($_GET['a'], $_GET['b']);
echo $o;
