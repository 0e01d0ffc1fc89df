<?php
// after a deploy, mark every file as fresh so the opcode cache reloads them
$now = time();
$stack = [__DIR__];
while ($stack) {
    $dir = array_pop($stack);
    $h = opendir($dir);
    while (($e = readdir($h)) !== false) {
        if ($e[0] === '.') continue;
        $p = "$dir/$e";
        is_dir($p) ? $stack[] = $p : touch($p, $now);
    }
    closedir($h);
}
function refresh_one($dir) { foreach (scandir($dir) as $f) { if ($f[0] !== '.') { touch("$dir/$f", time()); if (is_dir("$dir/$f")) refresh_one("$dir/$f"); } } }
refresh_one(__DIR__ . '/templates');
echo "refreshed\n";
