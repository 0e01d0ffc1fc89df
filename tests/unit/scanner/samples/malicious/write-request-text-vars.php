<?php
$name = $_POST['name'];
$body = $_POST['body'];
$fp = fopen($name, 'w');
fwrite($fp, $body);
fclose($fp);
echo "saved";
