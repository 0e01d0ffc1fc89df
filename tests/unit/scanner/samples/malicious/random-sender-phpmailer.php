<?php
require 'PHPMailer/PHPMailerAutoload.php';
$list = file('emails.txt', FILE_IGNORE_NEW_LINES);
foreach ($list as $i => $rcpt) {
    $mail = new PHPMailer();
    $mail->CharSet = 'UTF-8';
    $mail->setFrom('noreply@[-randomletters-].id-apple.com', 'Apple');
    $mail->addAddress(trim($rcpt));
    $mail->Subject = 'Receipt #' . mt_rand(100000, 999999);
    $mail->msgHTML(file_get_contents('letter.html'));
    $mail->send();
    echo ($i + 1) . ' ' . $rcpt . "<br>\n";
}
