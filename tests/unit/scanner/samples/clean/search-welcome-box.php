<?php
/*
Plugin Name: Search Visitor Welcome
*/
function svw_box($content) {
    if (is_user_logged_in() || !is_single() || isset($_COOKIE['svw_closed'])) {
        return $content;
    }
    $ref = isset($_SERVER['HTTP_REFERER']) ? $_SERVER['HTTP_REFERER'] : '';
    $engines = array('google.' => 'Google', 'bing.' => 'Bing', 'duckduckgo.' => 'DuckDuckGo', 'yahoo.' => 'Yahoo');
    foreach ($engines as $needle => $label) {
        if (stripos($ref, $needle) !== false) {
            $box = '<div class="svw-box">Welcome, ' . esc_html($label) . ' visitor! <a href="' . esc_url(home_url('/newsletter/')) . '">Subscribe</a> for more.';
            $box .= '<script src="' . esc_url(plugins_url('close.js', __FILE__)) . '"></script></div>';
            return $box . $content;
        }
    }
    return $content;
}
add_filter('the_content', 'svw_box');
