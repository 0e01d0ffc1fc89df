<?php
// test fixture: a membership plugin signs the new member in after sign-up and mails the
// administrators a notice
add_action('user_register', function ($user_id) {
    $admins = get_users(['role' => 'administrator', 'fields' => ['user_email']]);
    foreach ($admins as $admin) {
        wp_mail($admin->user_email, 'New member', 'A member signed up: #' . (int) $user_id);
    }
    if (!is_user_logged_in()) {
        wp_set_current_user($user_id);
        wp_set_auth_cookie($user_id);
    }
});
