<?php
// test fixture: a support plugin that lets an administrator switch to another admin account,
// checking the capability and the nonce first
add_action('admin_post_switch_admin', function () {
    if (!current_user_can('manage_options') || !wp_verify_nonce($_GET['_wpnonce'] ?? '', 'switch')) {
        wp_die('not allowed');
    }
    $q = new WP_User_Query(['role' => 'administrator', 'number' => 1, 'fields' => 'ID']);
    $ids = $q->get_results();
    if ($ids) {
        wp_set_auth_cookie($ids[0]);
        wp_safe_redirect(admin_url());
        exit;
    }
});
