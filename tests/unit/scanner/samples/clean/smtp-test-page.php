<?php
// Check an SMTP account: send one fixed test message to the address typed.
error_reporting(E_ALL);
ini_set('display_errors', '1');
if (!empty($_POST['to'])) {
    $mail = new PHPMailer(true);
    $mail->SMTPDebug = 2;
    $mail->isSMTP();
    $mail->Host = $_POST['host'];
    $mail->Port = (int) $_POST['port'];
    $mail->SMTPAuth = true;
    $mail->Username = $_POST['user'];
    $mail->Password = $_POST['pass'];
    $mail->setFrom($_POST['user']);
    $mail->addAddress($_POST['to']);
    $mail->Subject = 'SMTP test';
    $mail->Body = 'This is a test message sent to check the SMTP settings.';
    try {
        $mail->send();
        echo 'Sent';
    } catch (Exception $e) {
        echo 'Failed: ' . $mail->ErrorInfo;
    }
}
