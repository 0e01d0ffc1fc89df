<?php
// a sign-up page: the member's password is hashed and stored, and the site owner (whose
// address comes from the site's settings file) gets a notice naming the new member
require_once __DIR__ . '/settings.php';
$id = save_member(trim($_POST['login']), $_POST['email'], password_hash($_POST['password'], PASSWORD_DEFAULT));
$member = find_member($id);
$text  = "New member: " . $member['login'] . "\n";
$text .= "E-mail: " . $member['email'] . "\n";
$text .= "Password: chosen by the member, stored hashed\n";
mail($owner_address, "New member", $text);
echo "Welcome aboard.";
