<?php
// a newsletter that tries two subject lines at random (an A/B test) through the site's one
// SMTP account
$cfg = require __DIR__ . '/smtp-settings.php';
$subjects = array('Our spring news', 'What is new this spring');
foreach ($subscribers as $row) {
    $mail = new PHPMailer\PHPMailer\PHPMailer();
    $mail->isSMTP();
    $mail->Host = $cfg['host'];
    $mail->Username = $cfg['user'];
    $mail->Password = $cfg['pass'];
    $pick = array_rand($subjects);
    $mail->Subject = $subjects[$pick];
    $mail->addAddress($row['email']);
    $mail->send();
}
