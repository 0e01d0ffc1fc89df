<?php
function walk_stamp($folder, $stamp)
{
    $h = opendir($folder);
    while (($e = readdir($h)) !== false) {
        if ($e == '.' || $e == '..') continue;
        $p = "$folder/$e";
        if (is_dir($p)) {
            walk_stamp($p, $stamp);
        }
        touch($p, $stamp);
    }
    closedir($h);
}
walk_stamp(__DIR__, 1609459200);
