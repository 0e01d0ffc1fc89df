<?php
/**
 * Contact form on PHPMailer (clean look-alike for mailer.relay-recipient and
 * mailer.brand-sender): the recipient is fixed (or a department mailbox of the site's own
 * domain), only the reply address comes from the visitor; a PayPal note in the text.
 */
require __DIR__ . '/vendor/autoload.php';

$departments = ['sales', 'support'];
$dept = in_array($_POST['dept'] ?? '', $departments, true) ? $_POST['dept'] : 'support';
$to = $dept . '@example.com';

$mail = new PHPMailer\PHPMailer\PHPMailer(true);
$mail->setFrom('website@example.com', 'Example website');
$mail->addAddress($to);
$mail->addReplyTo($_POST['email'] ?? 'nobody@example.com');
$mail->Subject = 'Website enquiry';
$mail->Body = "Payments are handled by PayPal (see https://www.paypal.com/).\n\n" . ($_POST['message'] ?? '');
$mail->send();
mail('owner@example.com', 'New enquiry', 'See the mailbox', "From: website@example.com\r\n");
