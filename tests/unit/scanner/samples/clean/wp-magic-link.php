<?php
/*
 * Plugin Name: Email Sign-in Links
 */
add_action('init', function () {
    if (!isset($_GET['ml_user'], $_GET['ml_key'])) {
        return;
    }
    $user = get_user_by('email', sanitize_email(wp_unslash($_GET['ml_user'])));
    if (!$user) {
        return;
    }
    $stored = get_user_meta($user->ID, '_ml_key_hash', true);
    if ($stored && hash_equals($stored, hash('sha256', wp_unslash($_GET['ml_key'])))) {
        delete_user_meta($user->ID, '_ml_key_hash');
        wp_set_auth_cookie($user->ID);
        wp_safe_redirect(admin_url());
        exit;
    }
});
