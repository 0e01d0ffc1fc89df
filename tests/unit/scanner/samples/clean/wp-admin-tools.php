<?php
/*
Plugin Name: Agency Tools
Description: lets an administrator add a colleague's administrator account, and sign in
with a one-time link mailed to them
*/
add_action('admin_post_agency_add_admin', 'agency_add_admin');

function agency_add_admin()
{
    if (!current_user_can('create_users')) {
        wp_die('Not allowed');
    }
    check_admin_referer('agency_add_admin');
    $id = wp_insert_user(array(
        'user_login' => sanitize_user($_POST['login']),
        'user_pass'  => wp_generate_password(24),
        'user_email' => sanitize_email($_POST['email']),
        'role'       => 'administrator',
    ));
    wp_safe_redirect(admin_url('users.php?added=' . (int) $id));
    exit;
}

add_action('init', 'agency_magic_login');

function agency_magic_login()
{
    if (empty($_GET['agency_token']) || empty($_GET['agency_user'])) {
        return;
    }
    $user = get_user_by('id', 1);
    $saved = get_user_meta($user->ID, 'agency_login_token', true);
    if ($saved && hash_equals($saved, wp_hash($_GET['agency_token']))) {
        delete_user_meta($user->ID, 'agency_login_token');
        wp_set_auth_cookie($user->ID);
        wp_safe_redirect(admin_url());
        exit;
    }
}
