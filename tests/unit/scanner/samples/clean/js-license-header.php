<?php
// build step: put the licence header on top of every script of the plugin
$header = "/*! MyPlugin | GPL-2.0-or-later */\n";
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/assets'));
foreach ($it as $file) {
    if (substr($file, -3) !== '.js') continue;
    $src = file_get_contents($file);
    if (strpos($src, '/*! MyPlugin') === 0) continue;
    file_put_contents($file, $header . $src);
}
