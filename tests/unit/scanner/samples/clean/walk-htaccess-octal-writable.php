<?php
// a cache plugin's setup: every cache folder gets the plugin's own .htaccess, mode read from
// its settings as an octal string (0644: the owner can still edit it)
$mode = octdec(get_option('cache_file_mode', '0644'));
function cache_guard($dir, $mode)
{
    file_put_contents($dir . '/.htaccess', "Options -Indexes\n");
    chmod($dir . '/.htaccess', $mode);
    foreach (glob($dir . '/*', GLOB_ONLYDIR) as $sub) {
        cache_guard($sub, $mode);
    }
}
cache_guard(WP_CONTENT_DIR . '/cache', $mode);
