<?php
session_start();
$chars = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
$code = $chars[mt_rand(0, 31)] . $chars[mt_rand(0, 31)] . $chars[mt_rand(0, 31)] . $chars[mt_rand(0, 31)];
$_SESSION['captcha'] = $code;
$im = imagecreatetruecolor(90, 30);
$fg = imagecolorallocate($im, 20, 20, 20);
imagestring($im, 5, 12, 8, $code, $fg);
header('Content-Type: image/png');
imagepng($im);
imagedestroy($im);
