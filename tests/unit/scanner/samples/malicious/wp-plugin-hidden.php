<?php
// a plugin that hides itself from the plugins list (written for the tests, never run)
add_filter('all_plugins', 'keep_quiet');
function keep_quiet($plugins) {
    unset($plugins['site-cache/site-cache.php']);
    return $plugins;
}
add_action('admin_head', function () {
    echo '<style>tr[data-slug="site-cache"] { display: none; }</style>';
});
