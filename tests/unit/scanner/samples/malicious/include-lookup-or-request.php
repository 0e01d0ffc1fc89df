<?php
$pages = ['home' => 'home.php'];
$k = $_REQUEST['k'];
$file = $pages[$k] ?? $k;
include $file;
