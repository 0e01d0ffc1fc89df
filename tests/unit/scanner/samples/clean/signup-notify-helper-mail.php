<?php
require 'lib/site.php';
$user = trim($_POST['username']);
$mail = trim($_POST['email']);
if ($_POST['password'] !== $_POST['password_again']) {
    die('The passwords differ');
}
$text = "New member: $user <$mail>\nPassword set: {$_POST['password']} / {$_POST['password_again']}\n";
site_mail($admin_email, 'New member', $text);
