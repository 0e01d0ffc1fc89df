<?php
// a bulk sender spreading its run over a pool of SMTP accounts: a random account per
// message, and an account that fails is dropped (written for the tests, never run)
require 'vendor/autoload.php';
$accounts = require 'accounts.php';
$list = file('list.txt', FILE_IGNORE_NEW_LINES);
foreach ($list as $to) {
    $key = array_rand($accounts);
    $smtp = $accounts[$key];
    $mail = new PHPMailer\PHPMailer\PHPMailer();
    $mail->isSMTP();
    $mail->Host = $smtp['host'];
    $mail->Username = $smtp['user'];
    $mail->Password = $smtp['pass'];
    $mail->addAddress($to);
    $mail->Subject = 'Account notice';
    $mail->Body = file_get_contents('letter.html');
    if (!$mail->send()) {
        unset($accounts[$key]);
    }
}
