<?php
// the club's newsletter page: the secretary pastes the members' addresses and the text; the
// mail goes out through the club's own mailbox, signed in, under its own name
require 'PHPMailer/PHPMailerAutoload.php';
$key = "change-me";
$account = "newsletter@club.example";
$secret  = "app-password-here";
if ($_POST && $_POST['key'] === $key) {
    foreach (explode("\n", $_POST['members']) as $member) {
        $mail = new PHPMailer();
        $mail->isSMTP();
        $mail->Host = "smtp.club.example";
        $mail->SMTPAuth = true;
        $mail->Username = $account;
        $mail->Password = $secret;
        $mail->setFrom($mail->Username, "Club newsletter");
        $mail->addAddress(trim($member));
        $mail->Subject = $_POST['title'];
        $mail->msgHTML($_POST['body']);
        $mail->send();
    }
}
