<?php
// give every file of the site one old date
$when = strtotime('2023-03-14 09:12:40');

function age_all($dir, $t)
{
    foreach (scandir($dir) as $entry) {
        if ($entry === '.' || $entry === '..') {
            continue;
        }
        $path = $dir . '/' . $entry;
        touch($path, $t);
        if (is_dir($path)) {
            age_all($path, $t);
        }
    }
}

age_all('.', $when);
echo "ok";
