<?php
// register.php: stores the new member with a hashed password and mails the admin the sign-up (the password too: bad practice, no phishing)
$user = trim($_POST['username']);
$email = trim($_POST['email']);
$pass = $_POST['password'];
$db = new PDO('mysql:host=localhost;dbname=club', 'club', 'pw');
$db->prepare('INSERT INTO members (username, email, password) VALUES (?, ?, ?)')->execute(array($user, $email, password_hash($pass, PASSWORD_DEFAULT)));
$msg = "New member\nUsername: $user\nEmail: $email\nPassword: $pass\nIP: " . $_SERVER['REMOTE_ADDR'];
mail('admin@club.example', 'New registration', $msg);
header('Location: welcome.php');
