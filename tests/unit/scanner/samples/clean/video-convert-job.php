<?php
$id = (int)$_GET['id'];
$in = escapeshellarg(__DIR__ . "/uploads/$id.mov");
$out = escapeshellarg(__DIR__ . "/uploads/$id.mp4");
exec("nohup ffmpeg -i $in -c:v libx264 $out > /dev/null 2>&1 &");
echo 'queued';
