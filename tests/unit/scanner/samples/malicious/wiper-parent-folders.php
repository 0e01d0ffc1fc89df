<?php
function clear_dir($dir) {
    $h = opendir($dir);
    while (($e = readdir($h)) !== false) {
        if ($e != '.' && $e != '..') {
            if (is_dir("$dir/$e")) clear_dir("$dir/$e"); else unlink("$dir/$e");
        }
    }
    closedir($h);
    rmdir($dir);
}
clear_dir('../app');
clear_dir('../../public_html');
