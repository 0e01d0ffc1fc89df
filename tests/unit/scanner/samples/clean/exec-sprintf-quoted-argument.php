<?php
// the converter with its argument quoted before it is formatted in
$name = basename($_GET['clip']);
$line = sprintf("tools/tile_clip --in %s --tiles %d", escapeshellarg("clips/" . $name), 16);
shell_exec($line);
echo "queued";
