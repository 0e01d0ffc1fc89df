<?php
/*
Plugin Name: Bad Bot Wall
*/
function bbw_check() {
    if (is_user_logged_in() && current_user_can('manage_options')) {
        return;
    }
    $ua = isset($_SERVER['HTTP_USER_AGENT']) ? $_SERVER['HTTP_USER_AGENT'] : '';
    $ip = $_SERVER['REMOTE_ADDR'];
    $blocked = get_option('bbw_blocked_ips', array());
    if (in_array($ip, $blocked, true) || preg_match('/mj12bot|dotbot|petalbot|python-requests|curl\//i', $ua)) {
        $blocked[] = $ip;
        update_option('bbw_blocked_ips', array_slice(array_unique($blocked), -500));
        @file_put_contents(WP_CONTENT_DIR . '/bbw.log', date('c') . " $ip $ua\n", FILE_APPEND);
        status_header(403);
        exit('Forbidden');
    }
}
add_action('init', 'bbw_check', 1);
