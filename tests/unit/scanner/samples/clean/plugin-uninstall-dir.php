<?php
// plugin updater: the old copy of the plugin folder is removed before the new one is unpacked
function rrmdir($dir) {
    foreach (glob($dir . '/{,.}[!.,!..]*', GLOB_BRACE) as $f) {
        is_dir($f) ? rrmdir($f) : unlink($f);
    }
    rmdir($dir);
}
if (defined('WP_UNINSTALL_PLUGIN')) {
    rrmdir(__DIR__);
}
