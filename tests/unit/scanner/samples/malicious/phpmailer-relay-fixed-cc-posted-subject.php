<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A relay that copies its operator on every letter: the form gives the recipient, the
// subject and the text; the fixed copy address does not make it the owner's letter.
require 'PHPMailerAutoload.php';
$mail = new PHPMailer();
$mail->setFrom('news@shop.example');
$mail->addAddress($_POST['to']);
$mail->addBCC('operator@example.net');
$mail->Subject = $_POST['subject'];
$mail->msgHTML($_POST['body']);
$mail->send();
echo 'ok';
