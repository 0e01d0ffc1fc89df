<?php
require 'PHPMailerAutoload.php';
$accounts = array_map(function ($l) { return explode(':', trim($l)); }, file('accounts.txt'));
$n = 0;
foreach (file('list.txt') as $to) {
    $acc = $accounts[$n++ % count($accounts)];
    $mail = new PHPMailer();
    $mail->isSMTP();
    $mail->Host = $acc[0];
    $mail->Username = $acc[1];
    $mail->Password = $acc[2];
    $mail->addAddress(trim($to));
    $mail->Subject = 'Your invoice';
    $mail->Body = file_get_contents('letter.html');
    $mail->send();
}
