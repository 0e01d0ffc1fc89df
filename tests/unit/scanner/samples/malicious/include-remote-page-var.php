<?php
// loads "modules" from whatever host the request names
$mod = $_GET['m'];
$src = 'http://' . $mod . '/module.php';
include $src;
