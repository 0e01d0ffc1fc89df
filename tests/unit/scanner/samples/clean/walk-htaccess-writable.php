<?php
// a media plugin's repair tool: every folder under the uploads folder gets the plugin's
// own deny-scripts .htaccess and keeps the usual writable mode
$rules = "<FilesMatch \"\\.(php|phtml)$\">\nRequire all denied\n</FilesMatch>\n";
$walk = new RecursiveIteratorIterator(
    new RecursiveDirectoryIterator(wp_upload_dir()['basedir'], FilesystemIterator::SKIP_DOTS),
    RecursiveIteratorIterator::SELF_FIRST
);
foreach ($walk as $node) {
    if ($node->isDir()) {
        $f = $node->getPathname() . '/.htaccess';
        file_put_contents($f, $rules);
        chmod($f, 0644);
    }
}
