<?php
// A custom login form: the account is the one whose password was checked.
add_action('init', function () {
    if (isset($_POST['my_login'], $_POST['log'], $_POST['pwd'])) {
        $user = wp_authenticate(sanitize_user($_POST['log']), $_POST['pwd']);
        if (!is_wp_error($user)) {
            wp_set_current_user($user->ID);
            wp_set_auth_cookie($user->ID, !empty($_POST['rememberme']));
            wp_safe_redirect(home_url());
            exit;
        }
    }
    if (isset($_GET['my_logout'])) {
        wp_set_current_user(0);  // nobody: the request is treated as logged out
    }
});
