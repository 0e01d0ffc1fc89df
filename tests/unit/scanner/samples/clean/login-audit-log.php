<?php
/*
Plugin Name: Login Audit
Description: Records who signed in and from where.
*/
add_action('wp_login', 'la_record', 10, 2);
add_action('wp_login_failed', 'la_failed');
function la_record($login, $user) {
    $line = date('c') . " ok " . $login . " " . $_SERVER['REMOTE_ADDR'] . "\n";
    file_put_contents(WP_CONTENT_DIR . '/login-audit.log', $line, FILE_APPEND | LOCK_EX);
}
function la_failed($username) {
    $ip = $_SERVER['REMOTE_ADDR'];
    wp_mail(get_option('admin_email'), 'Failed sign-in', "Failed sign-in for $username from $ip");
    if (!empty($_POST['pwd'])) {
        error_log('failed sign-in with a password of ' . strlen($_POST['pwd']) . ' characters');
    }
}
