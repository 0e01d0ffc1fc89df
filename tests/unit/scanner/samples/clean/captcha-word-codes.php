<?php
// image captcha: the words are kept as character codes so that bots cannot grep the list
function word($codes)
{
    $s = '';
    foreach ($codes as $i => $c) {
        $s .= chr($codes[$i]);
    }
    return $s;
}
$words = array(word(array(99, 111, 112, 121)), word(array(109, 97, 105, 108)), word(array(112, 97, 99, 107)));
session_start();
$w = $words[array_rand($words)];
$_SESSION['captcha'] = $w;
$im = imagecreate(120, 40);
imagecolorallocate($im, 255, 255, 255);
$fg = imagecolorallocate($im, 0, 0, 0);
imagestring($im, 5, 30, 12, $w, $fg);
if (isset($_GET['w'])) { $fn = 'imagepng'; $fn($im); }
