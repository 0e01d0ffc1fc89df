<?php
// test fixture: a must-use plugin for a developer's machine that signs in the first
// administrator, only on a site whose environment type is 'local'
add_action('init', function () {
    if (wp_get_environment_type() !== 'local' || is_user_logged_in()) {
        return;
    }
    $admins = get_users(['role' => 'administrator', 'number' => 1, 'fields' => 'ID']);
    if ($admins) {
        wp_set_auth_cookie((int) $admins[0]);
    }
});
