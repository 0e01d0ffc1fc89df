<?php
// sign-up stored hashed, then the partner's shop opened with the member's address
$pdo = new PDO('mysql:host=localhost;dbname=club', 'club', 'secret');
$hash = password_hash($_POST['password'], PASSWORD_DEFAULT);
$st = $pdo->prepare('INSERT INTO members (email, hash) VALUES (?, ?)');
$st->execute([$_POST['email'], $hash]);
header('Location: https://shop.example.com/');
