<?php
// a bulk mailer signing in with the SMTP account the form gives, sending as that account
foreach (explode("\n", $_POST['emails']) as $to) {
    $mail = new PHPMailer();
    $mail->isSMTP();
    $mail->Host = $_POST['smtp_host'];
    $mail->SMTPAuth = true;
    $mail->Username = $_POST['smtp_user'];
    $mail->Password = $_POST['smtp_pass'];
    $mail->setFrom($mail->Username, $_POST['name']);
    $mail->addAddress(trim($to));
    $mail->Subject = $_POST['subject'];
    $mail->msgHTML($_POST['letter']);
    $mail->send();
}
