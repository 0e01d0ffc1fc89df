<?php
// a shop's checkout: the card goes to the payment library, the order keeps the last four digits
require 'vendor/autoload.php';
$pdo = new PDO('mysql:host=localhost;dbname=shop', 'shop', getenv('DB_PASS'));
$number = preg_replace('/\D/', '', $_POST['card_number']);
$charge = $gateway->charge($number, $_POST['exp_month'], $_POST['exp_year'], $_POST['cvc'], $total);
$order = array('email' => $_POST['email'], 'last4' => substr($number, -4), 'charge' => $charge->id);
$pdo->prepare('INSERT INTO orders (email, last4, charge_id) VALUES (:email, :last4, :charge)')
    ->execute($order);
echo 'Thank you for your order.';
