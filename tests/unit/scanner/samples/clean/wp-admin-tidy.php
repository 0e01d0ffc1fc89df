<?php
// Admin tidying: hides update nags with a style and gives plugins friendlier names.
add_action('admin_head', function () {
    echo '<style>.update-nag, .notice-info { display: none; }</style>';
});
add_filter('all_plugins', function ($plugins) {
    foreach ($plugins as $file => $data) {
        $plugins[$file]['Name'] = ucwords($data['Name']);
    }
    return $plugins;
});
