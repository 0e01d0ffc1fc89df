<?php
// run the bundled linter from its archive
require_once 'phar://' . __DIR__ . '/tools/phpcs.phar/autoload.php';
$runner = new PHP_CodeSniffer\Runner();
exit($runner->runPHPCS());
