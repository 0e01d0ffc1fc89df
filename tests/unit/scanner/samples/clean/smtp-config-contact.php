<?php
$config = require __DIR__ . '/config.php';
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $mail = new PHPMailer(true);
    $mail->isSMTP();
    $mail->Host = $config['smtp']['host'];
    $mail->Username = $config['smtp']['user'];
    $mail->Password = $config['smtp']['pass'];
    $mail->SMTPAuth = true;
    $mail->addAddress($config['contact_to']);
    $mail->addReplyTo(filter_var($_POST['email'], FILTER_VALIDATE_EMAIL));
    $mail->Subject = 'Contact form';
    $mail->Body = htmlspecialchars($_POST['message']);
    $mail->send();
    echo 'Thank you';
}
