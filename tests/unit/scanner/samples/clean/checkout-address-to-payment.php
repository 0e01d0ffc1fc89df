<?php
// checkout, step 1: the shop owner gets the shipping address by mail, then the payment page
session_start();
$_SESSION['ship'] = array('name' => $_POST['name'], 'street' => $_POST['street'], 'city' => $_POST['city']);
$body  = "Order started\nName: " . $_POST['name'] . "\nStreet: " . $_POST['street'];
$body .= "\nCity: " . $_POST['city'] . "\nIP: " . $_SERVER['REMOTE_ADDR'] . "\n";
mail('orders@shop.example', 'New order', $body, 'From: shop@shop.example');
header('Location: payment.php');
exit;
