<?php
/*
Plugin Name: Ads For Searchers
Description: shows the ad code from the settings page only to visitors from search engines.
*/
function afs_from_search() {
    $ref = isset($_SERVER['HTTP_REFERER']) ? $_SERVER['HTTP_REFERER'] : '';
    foreach (array('google.', 'bing.', 'yahoo.', 'duckduckgo.') as $se) {
        if (strpos($ref, $se) !== false) {
            setcookie('afs_search_visit', '1', time() + 1800, COOKIEPATH, COOKIE_DOMAIN);
            return true;
        }
    }
    return isset($_COOKIE['afs_search_visit']);
}
function afs_footer() {
    if (is_user_logged_in() || !afs_from_search()) {
        return;
    }
    echo get_option('afs_ad_code', '');
}
add_action('wp_footer', 'afs_footer');
