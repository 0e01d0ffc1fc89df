<?php
// a shortcode whose attribute is evaluated: any post's author runs PHP
add_shortcode('calc', 'calc_shortcode');
function calc_shortcode($atts) {
    global $wpdb;
    $rows = $wpdb->get_results("SELECT 1");
    ob_start();
    eval($atts);
    return ob_get_clean();
}
