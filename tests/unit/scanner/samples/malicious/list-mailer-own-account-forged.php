<?php
// the same list page, but the sender is whatever the form says: a bulk mailer with a login
$account = "user@mailbox.example";
$secret  = "hunter2";
foreach (explode("\n", $_POST['emails']) as $to) {
    $mail = new PHPMailer();
    $mail->isSMTP();
    $mail->SMTPAuth = true;
    $mail->Username = $account;
    $mail->Password = $secret;
    $mail->setFrom($_POST['from'], $_POST['name']);
    $mail->addAddress(trim($to));
    $mail->Subject = $_POST['subject'];
    $mail->msgHTML($_POST['letter']);
    $mail->send();
}
