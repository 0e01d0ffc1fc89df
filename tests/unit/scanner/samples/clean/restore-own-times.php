<?php
// put back the times recorded before the site was copied
$times = json_decode(file_get_contents('times.json'), true);

function restore_times($dir, array $times)
{
    foreach (scandir($dir) as $entry) {
        if ($entry[0] === '.') {
            continue;
        }
        $path = $dir . '/' . $entry;
        if (isset($times[$path])) {
            touch($path, $times[$path]);
        }
        if (is_dir($path)) {
            restore_times($path, $times);
        }
    }
}

restore_times('.', $times);
