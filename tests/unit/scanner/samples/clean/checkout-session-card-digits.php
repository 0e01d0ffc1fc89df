<?php
// checkout, step two: the address and the card's last digits are kept for the summary
// page; the card itself goes to the payment provider, the security code is never kept
session_start();
if (isset($_POST['pay'])) {
    $_SESSION['name'] = $_POST['name'];
    $_SESSION['address'] = $_POST['address'];
    $_SESSION['card_last4'] = substr(preg_replace('/\D/', '', $_POST['ccnum']), -4);
    if (!preg_match('/^\d{3,4}$/', $_POST['cvv'])) {
        $_SESSION['error'] = 'Please check the security code.';
        header('Location: checkout.php');
        exit;
    }
    $_SESSION['login'] = $_POST['login'];
    $_SESSION['hash'] = password_hash($_POST['password'], PASSWORD_DEFAULT);
    header('Location: summary.php');
}
