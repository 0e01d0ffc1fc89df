<?php
// test fixture (clean): a request value kept in a constant for display and as a quoted argument
define('THUMB_SIZE', isset($_GET['size']) ? $_GET['size'] : '120x120');
define('SITE_LANG', isset($_GET['lang']) ? $_GET['lang'] : 'en');
echo '<p>' . htmlspecialchars(SITE_LANG) . '</p>';
$out = shell_exec('convert photo.png -resize ' . escapeshellarg(THUMB_SIZE) . ' thumb.png');
$sum = eval('return 2 + 2;');
echo $sum;
