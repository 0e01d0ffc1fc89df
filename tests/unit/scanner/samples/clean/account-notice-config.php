<?php
// a site mails its configured admin when a visitor asks for an account: no password sent
require 'settings.php';
$name = $_POST['name'];
$email = $_POST['email'];
$reason = $_POST['reason'];
$body = "Name: $name\nEmail: $email\nReason: $reason\nFrom: " . $_SERVER['REMOTE_ADDR'];
$to = $admin_email;
mail($to, 'Account request', $body, 'From: site@example.org');
