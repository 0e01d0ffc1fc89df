<?php
// the same thumbnailer with its arguments quoted
$file = basename($_POST['file']);
exec("/usr/bin/ffmpeg -ss 2 -i " . escapeshellarg("videos/" . $file) . " -vframes 1 -y thumbs/t.png 2>&1", $output);
echo "done";
