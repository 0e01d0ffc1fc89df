<?php
$n = $_REQUEST['n'];
$path = 'uploads/' . $n . '.jpg';
include $path;
