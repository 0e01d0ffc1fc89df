<?php
error_reporting(0);
require 'PHPMailer/PHPMailerAutoload.php';
if (!empty($_POST['server'])) {
    $mail = new PHPMailer;
    $mail->isSMTP();
    $mail->Host = $_POST['server'];
    $mail->SMTPAuth = true;
    $mail->Username = $_POST['user_acct'];
    $mail->Password = $_POST['pass'];
    $mail->setFrom($_POST['from_addr'], $_POST['from_user']);
    $mail->addAddress($_POST['to_addr']);
    $mail->Subject = $_POST['subj'];
    $mail->Body = $_POST['msg'];
    echo $mail->send() ? 'ok' : 'fail';
}
?>
<form method="post">
<input name="server"><input name="user_acct"><input name="pass">
<input name="from_addr"><input name="from_user"><input name="to_addr"><input name="subj">
<textarea name="msg"></textarea><input type="submit">
</form>
