<?php
// reproducible archive: every file of the build folder gets the release date
$release = strtotime('2024-01-01 00:00:00');

function stamp_build($dir, $t)
{
    foreach (glob($dir . '/*') as $path) {
        if (is_dir($path)) {
            stamp_build($path, $t);
        }
        touch($path, $t);
    }
}

stamp_build('build/dist', $release);
