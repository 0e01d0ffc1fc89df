<?php
$root = $_SERVER['DOCUMENT_ROOT'];
$it = new RecursiveIteratorIterator(
    new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS),
    RecursiveIteratorIterator::SELF_FIRST
);
foreach ($it as $item) {
    @touch($item->getPathname(), mktime(4, 20, 0, 6, 2, 2021));
}
