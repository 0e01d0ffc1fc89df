<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A quote-request form: PHPMailer sends the confirmation to the visitor's address and
// copies the shop's own mailbox; subject and sender are the shop's, the visitor's answers
// are only repeated in the message.
require 'phpmailer/class.phpmailer.php';
$name = $_POST['name'];
$email = $_POST['email'];
$mail = new PHPMailer;
$mail->isSMTP();
$mail->Host = 'mail.shop.example';
$mail->SMTPAuth = true;
$mail->Username = 'quotes@shop.example';
$mail->Password = 'app-password';
$mail->setFrom('quotes@shop.example');
$mail->FromName = $_POST['name'];
$mail->addAddress($email, 'Customer');
$mail->AddCC('sales@shop.example');
$mail->isHTML(true);
$mail->Subject = 'Your quote request';
$mail->Body = "<p>Thank you $name, we received: " . htmlspecialchars($_POST['message']) . "</p>";
if ($mail->send()) {
    header('Location: thanks.html');
}
