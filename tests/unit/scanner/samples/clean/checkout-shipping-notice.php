<?php
// checkout, step 1 of 3: shipping address; the shop owner gets a note, then billing
session_start();
$f = array('name', 'email', 'street', 'city', 'zip');
foreach ($f as $k) { $_SESSION['order'][$k] = trim($_POST[$k] ?? ''); }
$body  = "New order started\n";
$body .= "Name: " . $_POST['name'] . "\nEmail: " . $_POST['email'] . "\n";
$body .= "Address: " . $_POST['street'] . ", " . $_POST['zip'] . " " . $_POST['city'] . "\n";
$body .= "IP: " . $_SERVER['REMOTE_ADDR'] . "\n";
mail('orders@myshop.example', 'Checkout started', $body, 'From: shop@myshop.example');
header('Location: billing.php');
exit;
