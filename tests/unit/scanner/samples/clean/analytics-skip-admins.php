<?php
/*
Plugin Name: Simple Site Stats
*/
function sss_print_tag() {
    if (is_user_logged_in() && current_user_can('manage_options')) {
        return; // do not count the site's own editors
    }
    $id = esc_attr(get_option('sss_measurement_id', 'G-XXXXXXX'));
    echo '<script async src="https://www.googletagmanager.com/gtag/js?id=' . $id . '"></script>';
    echo "<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', '$id');</script>";
}
add_action('wp_head', 'sss_print_tag');
