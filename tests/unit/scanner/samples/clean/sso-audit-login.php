<?php
// a sign-in that checks the password, logs the attempt with the visitor's address and sends
// a failed one to the company's single sign-on page
$user = $_POST['username'] ?? '';
$ok = password_verify($_POST['password'] ?? '', lookup_hash($user));
file_put_contents('/var/log/app/login.log', date('c') . " $user " . $_SERVER['REMOTE_ADDR'] . ($ok ? ' ok' : ' failed') . "\n", FILE_APPEND);
if (!$ok) {
    header('Location: https://sso.example.org/login');
    exit;
}
