<?php
// emergency rescue: every plugin off at once, by renaming the plugins folder the script names
$from = __DIR__ . '/wp-content/plugins';
$to = __DIR__ . '/wp-content/plugins.disabled';
if (is_dir($from) && !is_dir($to)) {
    rename($from, $to);
    echo 'all plugins are off; rename plugins.disabled back to plugins when the site works';
}
