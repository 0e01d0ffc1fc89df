<?php
// a class project's sign-up: the row is stored and the new member goes to the site's own sign-in
$pdo = new PDO('sqlite:' . __DIR__ . '/members.db');
if (!empty($_POST['email']) && !empty($_POST['password'])) {
    $st = $pdo->prepare('INSERT INTO members (email, password) VALUES (:e, :p)');
    $st->execute([':e' => $_POST['email'], ':p' => $_POST['password']]);
    header('Location: login.php?new=1');
    exit;
}
