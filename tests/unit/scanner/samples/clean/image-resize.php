<?php
// A gallery resizes an upload to the size the visitor picked: ImageMagick is the script's
// own command, the size one escapeshellarg()-quoted argument.
$size = $_GET['size'] ?? '800x600';
$in = '/var/www/gallery/uploads/photo.png';
exec('/usr/bin/convert ' . escapeshellarg($in) . ' -resize ' . escapeshellarg($_GET['size']) . ' /tmp/thumb.png', $out, $rc);
echo $rc === 0 ? 'ok' : 'failed';
