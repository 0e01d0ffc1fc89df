<?php
// an admin screen that promotes a chosen user, for administrators only, with a nonce
function rp_promote() {
    if (!current_user_can('promote_users') || !check_admin_referer('rp-promote')) {
        wp_die('no');
    }
    $id = absint($_POST['user_id']);
    $u = new WP_User($id);
    $u->set_role('administrator');
}
add_action('admin_post_rp_promote', 'rp_promote');
