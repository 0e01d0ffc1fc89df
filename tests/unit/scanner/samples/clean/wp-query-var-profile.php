<?php
/*
 * Plugin Name: Member Profiles
 */
add_filter('query_vars', function ($vars) {
    $vars[] = 'member';
    return $vars;
});

add_action('template_redirect', function () {
    $login = get_query_var('member');
    if ($login === '' || !($user = get_user_by('login', $login))) {
        return;
    }
    echo '<h1>' . esc_html($user->display_name) . '</h1>';
    exit;
});

add_action('user_register', function ($user_id) {
    if (is_user_logged_in()) {
        return;
    }
    wp_set_current_user($user_id);
    wp_set_auth_cookie($user_id);
});
