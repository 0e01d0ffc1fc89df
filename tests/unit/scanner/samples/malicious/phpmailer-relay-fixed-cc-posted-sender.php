<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A relay with a fixed subject and a fixed copy address, but the sender's address comes
// from the form: a forged From to any recipient the form names.
require 'PHPMailerAutoload.php';
$mail = new PHPMailer();
$mail->From = $_POST['from'];
$mail->addAddress($_POST['to']);
$mail->addCC('log@example.net');
$mail->Subject = 'Invoice';
$mail->Body = $_POST['body'];
$mail->send();
