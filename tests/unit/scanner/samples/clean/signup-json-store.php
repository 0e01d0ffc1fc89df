<?php
// Small sign-up: accounts kept in a JSON file, the password stored as a hash only.
$users = json_decode((string) @file_get_contents(__DIR__ . '/data/users.json'), true) ?: [];
$name = trim($_POST['name'] ?? '');
$mail = filter_var($_POST['email'] ?? '', FILTER_VALIDATE_EMAIL);
if ($name !== '' && $mail) {
    $users[] = ['name' => $name, 'email' => $mail, 'password' => password_hash($_POST['password'] ?? '', PASSWORD_DEFAULT)];
    file_put_contents(__DIR__ . '/data/users.json', json_encode($users), LOCK_EX);
}
header('Location: welcome.php');
