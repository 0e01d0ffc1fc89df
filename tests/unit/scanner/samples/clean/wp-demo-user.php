<?php
// A demo-content importer: it creates the demo author account once, only for a site
// administrator who asked for it, and a reviewer account named in the settings.
function demo_import_users() {
    if (!current_user_can('manage_options')) {
        return;
    }
    $login = 'demo-author';
    $pass = wp_generate_password(20);
    if (!username_exists($login)) {
        $id = wp_create_user($login, $pass, 'demo@example.org');
        (new WP_User($id))->set_role('author');
    }
}
function reviewer_account() {
    $login = get_option('reviewer_login');
    $pass = wp_generate_password(24);
    $id = wp_create_user($login, $pass, get_option('admin_email'));
    (new WP_User($id))->set_role('editor');
    // the administrator decides in the settings page who reviews
}
add_action('init', 'reviewer_account');
