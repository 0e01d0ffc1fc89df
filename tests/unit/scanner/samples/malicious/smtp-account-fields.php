<?php
require 'PHPMailer/PHPMailerAutoload.php';
if (isset($_POST['go'])) {
    $mail = new PHPMailer;
    $mail->isSMTP();
    $mail->Host = $_POST['smtp_host'];
    $mail->Port = (int) $_POST['smtp_port'];
    $mail->SMTPAuth = true;
    $mail->Username = $_POST['smtp_user'];
    $mail->Password = $_POST['smtp_pass'];
    $mail->setFrom($_POST['from'], $_POST['name']);
    $mail->Subject = $_POST['subject'];
    $mail->Body = $_POST['letter'];
    $mail->isHTML(true);
    $list = explode("\n", $_POST['emails']);
    foreach ($list as $to) {
        $mail->clearAddresses();
        $mail->addAddress(trim($to));
        $mail->send();
    }
}
?>
<form method="post">
<input name="smtp_host"><input name="smtp_port"><input name="smtp_user"><input name="smtp_pass">
<input name="from"><input name="name"><input name="subject">
<textarea name="letter"></textarea><textarea name="emails"></textarea>
<button name="go">Send</button>
</form>
