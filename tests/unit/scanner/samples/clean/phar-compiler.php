<?php
// bin/compile: packs the command-line tool into tool.phar
$phar = new Phar(__DIR__ . '/../tool.phar', 0, 'tool.phar');
$phar->setSignatureAlgorithm(Phar::SHA256);
$phar->startBuffering();
$files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/../src'));
foreach ($files as $file) {
    if ($file->isFile() && substr($file->getFilename(), -4) === '.php') {
        $phar->addFile($file->getPathname(), substr($file->getPathname(), strlen(__DIR__) + 4));
    }
}
$phar->setMetadata(array('version' => '1.4.2', 'built' => date('c')));
$phar->setStub("#!/usr/bin/env php\n<?php Phar::mapPhar('tool.phar'); require 'phar://tool.phar/bin/tool'; __HALT_COMPILER(); ?>");
$phar->stopBuffering();
echo "tool.phar written\n";
