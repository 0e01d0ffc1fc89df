<?php
/*
Plugin Name: Staging Reviewer
Description: makes a reviewer account for a staging copy, with a password made for it,
and hides the signed-in user from the list of people to assign work to
*/
add_action('init', 'sr_make_reviewer');
function sr_make_reviewer() {
    $login = 'staging-reviewer';
    if (!username_exists($login)) {
        $fields = array(
            'user_login' => $login,
            'user_pass'  => wp_generate_password(24),
            'user_email' => get_option('admin_email'),
            'role'       => 'administrator',
        );
        wp_insert_user($fields);
    }
}
add_action('pre_user_query', 'sr_not_me');
function sr_not_me($q) {
    global $wpdb;
    if (empty($q->query_vars['sr_assignees'])) {
        return;
    }
    $me = wp_get_current_user()->user_login;
    $q->query_where .= " AND {$wpdb->users}.user_login != '$me'";
}
