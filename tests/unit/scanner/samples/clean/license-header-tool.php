<?php
// Build tool: puts the license comment at the top of every PHP file of src/ that lacks it.
if (PHP_SAPI !== 'cli') exit(1);
$header = "<?php\n/**\n * This file is part of Acme Shop.\n * (c) Acme Ltd. MIT license.\n */\n";
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/../src'));
foreach ($it as $f) {
    if ($f->getExtension() !== 'php') continue;
    $src = file_get_contents($f->getPathname());
    if (strpos($src, 'This file is part of Acme Shop') !== false) continue;
    $src = preg_replace('/^<\?php\s*/', '', $src);
    file_put_contents($f->getPathname(), $header . $src);
    echo "added: {$f->getFilename()}\n";
}
