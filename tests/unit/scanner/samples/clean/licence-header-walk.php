<?php
// developer tool: put the licence header on every source file
$header = "/* (c) Example Ltd. Licensed under the MIT License. */\n";
$all = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src'));
foreach ($all as $f) {
    if ($f->getExtension() !== 'php') continue;
    $src = file_get_contents($f);
    if (strpos($src, 'Licensed under the MIT') !== false) continue;
    file_put_contents($f, preg_replace('/^<\?php\n/', "<?php\n" . $header, $src, 1));
}
