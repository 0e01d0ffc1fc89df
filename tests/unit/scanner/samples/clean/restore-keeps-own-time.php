<?php
// restore one file from the nightly backup, keeping the time of the file it replaces
if (PHP_SAPI !== 'cli') { exit; }
$target = $argv[1];
$data = base64_decode(file_get_contents('/home/site/backups/latest/' . basename($target) . '.b64'));
$keep = filemtime($target);
file_put_contents($target, $data);
touch($target, $keep);
echo "restored $target\n";
