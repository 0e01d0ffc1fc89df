<?php
// Thumbnail of an uploaded picture, with ImageMagick's policy left alone.
$tmp = $_FILES['photo']['tmp_name'];
$info = getimagesize($tmp);
if ($info === false || !in_array($info[2], array(IMAGETYPE_JPEG, IMAGETYPE_PNG), true)) exit('not a picture');
$im = new Imagick($tmp);
$im->thumbnailImage(300, 0);
$im->writeImage(__DIR__ . '/thumbs/' . md5_file($tmp) . '.jpg');
