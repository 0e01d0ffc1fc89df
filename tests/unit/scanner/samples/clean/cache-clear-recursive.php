<?php
// the admin's "clear cache" button: the cache folder of the app is emptied
function clear_tree($dir)
{
    foreach (scandir($dir) as $entry) {
        if ($entry === '.' || $entry === '..') {
            continue;
        }
        $path = $dir . '/' . $entry;
        is_dir($path) ? clear_tree($path) : unlink($path);
    }
    rmdir($dir);
}
if (current_user_can('manage_options')) {
    clear_tree(__DIR__ . '/cache');
    clear_tree(WP_CONTENT_DIR . '/uploads/thumbs-tmp');
    mkdir(__DIR__ . '/cache');
}
