<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
if (PHP_SAPI !== 'cli') { exit(1); }
$phar = new Phar(__DIR__ . '/build/app.phar');
$phar->buildFromDirectory(__DIR__ . '/src');
$phar->setStub($phar->createDefaultStub('index.php'));
echo file_exists('phar://' . __DIR__ . '/build/app.phar/index.php') ? "ok\n" : "missing\n";
