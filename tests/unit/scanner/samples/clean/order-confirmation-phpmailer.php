<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A shop's order confirmation: mails the shop's own fixed text to the address the customer
// typed. The customer picks the mailbox, never the words.
use PHPMailer\PHPMailer\PHPMailer;
require 'vendor/autoload.php';
$email = filter_var($_POST['email'] ?? '', FILTER_SANITIZE_EMAIL);
$mail = new PHPMailer(true);
$mail->setFrom('shop@example.com', 'Example Shop');
$mail->addAddress($email);
$mail->Subject = 'Your order at Example Shop';
$mail->Body = 'Thank you, we have received your order and will ship it within two days.';
$mail->send();
header('Location: thanks.html');
