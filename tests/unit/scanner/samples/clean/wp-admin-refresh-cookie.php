<?php
// keep an administrator signed in after changing their own password on the profile screen
add_action('profile_update', function ($user_id) {
    $me = get_current_user_id();
    if ($me === (int) $user_id && user_can($me, 'administrator')) {
        wp_set_auth_cookie($me, true);
    }
});
