<?php
// index.php?p=about: a small site includes header, the page the query names with .php
// added, and footer; no whitelist (a local file inclusion hole), but only .php pages
include 'header.php';
$p = $_GET['p'];
if (empty($p)) $p = 'home';
include $p . '.php';
include 'footer.php';
