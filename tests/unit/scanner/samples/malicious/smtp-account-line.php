<?php
$GLOBALS['account'] = trim($_POST['account']);
$GLOBALS['target'] = trim($_POST['target']);
$GLOBALS['content'] = $_POST['content'];

function make_mailer()
{
    $mail = new PHPMailer;
    $mail->IsSMTP();
    $bits = explode(':', $GLOBALS['account']);
    $mail->Host = $bits[0];
    $mail->Port = $bits[1];
    if (isset($bits[2], $bits[3])) {
        $mail->SMTPAuth = true;
        $mail->Username = $bits[2];
        $mail->Password = $bits[3];
    }
    return $mail;
}

$mail = make_mailer();
$mail->addAddress($GLOBALS['target']);
$mail->Subject = 'Hello';
$mail->Body = $GLOBALS['content'];
echo $mail->send() ? 'ok' : $mail->ErrorInfo;
