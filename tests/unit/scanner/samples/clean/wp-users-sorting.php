<?php
/*
Plugin Name: Users by Last Login
Description: sorts the Users screen by the last login time, and lists only one role when
asked to
*/
add_action('pre_user_query', 'ubll_order_users');

function ubll_order_users($query)
{
    global $wpdb;
    if (!is_admin() || ($query->query_vars['orderby'] ?? '') !== 'last_login') {
        return;
    }
    $query->query_from .= " LEFT JOIN {$wpdb->usermeta} ll ON ll.user_id = {$wpdb->users}.ID AND ll.meta_key = 'last_login'";
    $query->query_where .= " AND {$wpdb->users}.user_status = 0";
    $query->query_orderby = 'ORDER BY ll.meta_value DESC';
}
