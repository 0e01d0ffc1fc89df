<?php
/*
Plugin Name: Tiny Mobile Switcher
*/
function tms_is_phone() {
    $ua = isset($_SERVER['HTTP_USER_AGENT']) ? $_SERVER['HTTP_USER_AGENT'] : '';
    return (bool) preg_match('/iPhone|Android.*Mobile|Windows Phone/i', $ua);
}
function tms_pick_theme($theme) {
    if (isset($_COOKIE['tms_full_site'])) {
        return $theme;
    }
    return tms_is_phone() ? 'mytheme-mobile' : $theme;
}
if (!is_admin()) {
    add_filter('stylesheet', 'tms_pick_theme');
    add_filter('template', 'tms_pick_theme');
}
if (isset($_GET['full_site'])) {
    setcookie('tms_full_site', '1', time() + 86400 * 30, COOKIEPATH, COOKIE_DOMAIN);
}
add_action('wp_footer', function () {
    if (tms_is_phone()) {
        echo '<script>if (location.hash === "#amp") { window.location.href = "https://amp.example.com" + location.pathname; }</script>';
        echo '<a href="?full_site=1">View full site</a>';
    }
});
