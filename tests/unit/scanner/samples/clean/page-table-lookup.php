<?php
// the request names a page; the script's own table says which file that is
$pages = ['home' => 'home.php', 'about' => 'about.php', 'contact' => 'contact.php'];
$p = $_GET['p'] ?? 'home';
$file = isset($pages[$p]) ? $pages[$p] : 'home.php';
include $file;
