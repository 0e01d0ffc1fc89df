<?php
namespace App\Media;

// resizes an uploaded picture with ImageMagick: the global quoting function, named in full
$src = 'uploads/' . basename($_GET['img']);
exec('convert ' . \escapeshellarg($src) . ' -resize 200 thumbs/' . \escapeshellarg(basename($src)));
exec('identify ' . \escapeshellarg($_GET['img']) . ' > /dev/null');
