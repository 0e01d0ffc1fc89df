<?php
// a contact form sent to the owner with PHPMailer
require 'vendor/autoload.php';
$name = strip_tags($_POST['name'] ?? '');
$mail = new PHPMailer\PHPMailer\PHPMailer();
$mail->setFrom('web@site.example');
$mail->addAddress('owner@site.example');
$mail->Subject = 'Website contact';
$mail->Body = "Name: " . $name . "\nPhone: " . preg_replace('/[^0-9+ ]/', '', $_POST['phone'] ?? '');
$mail->send();
echo 'Thank you!';
