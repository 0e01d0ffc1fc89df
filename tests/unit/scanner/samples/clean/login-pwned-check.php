<?php
/*
Plugin Name: Breached Password Check
Description: Refuses passwords found in known breaches (k-anonymity: only a hash prefix leaves the site).
*/
add_filter('wp_authenticate_user', 'bpc_check', 10, 2);
function bpc_check($user, $password) {
    $hash = strtoupper(sha1($password));
    $prefix = substr($hash, 0, 5);
    $res = wp_remote_get('https://api.pwnedpasswords.com/range/' . $prefix);
    if (!is_wp_error($res) && strpos(wp_remote_retrieve_body($res), substr($hash, 5)) !== false) {
        return new WP_Error('breached', 'This password appeared in a data breach; please change it.');
    }
    return $user;
}
