<?php
// resizes an uploaded picture with ImageMagick: the names are quoted, the width a number
$width = intval($_GET['w']);
$src = 'uploads/' . basename($_GET['img']);
exec('convert ' . escapeshellarg($src) . ' -resize ' . $width . ' thumbs/' . escapeshellarg(basename($src)));
header('Location: thumbs/' . rawurlencode(basename($src)));
