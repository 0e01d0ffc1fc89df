<?php
$name = $_POST['name'];
$img = base64_decode(preg_replace('#^data:image/\w+;base64,#', '', $_POST['image']));
file_put_contents('drawings/' . $name, $img);
echo 'saved';
