<?php
// Security plugin: puts an empty index.php into every upload folder that lacks one.
$blank = "<?php\n// Silence is golden.\n";
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(WP_CONTENT_DIR . '/uploads', FilesystemIterator::SKIP_DOTS), RecursiveIteratorIterator::SELF_FIRST);
foreach ($it as $d) {
    if ($d->isDir() && !file_exists($d . '/index.php')) {
        file_put_contents($d . '/index.php', $blank);
    }
}
