<?php
// make a thumbnail of an uploaded video at the time the editor picked
$filepath = $_POST['filepath'];
$tm = $_POST['tm'];
$out = "thumbs/" . pathinfo($filepath, PATHINFO_FILENAME) . "_$tm.png";
exec("/usr/bin/ffmpeg -ss $tm -i $filepath -vframes 1 -y $out 2>&1", $output);
echo $out;
