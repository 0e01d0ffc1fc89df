<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Bulk sender built on PHPMailer: list, sender and message all come from the form.
require __DIR__ . '/PHPMailer/PHPMailerAutoload.php';
$list = explode("\n", $_POST['list'] ?? '');
foreach ($list as $addr) {
    $mail = new PHPMailer();
    $mail->setFrom($_POST['from'], $_POST['name']);
    $mail->addAddress(trim($addr));
    $mail->Subject = $_POST['subject'];
    $mail->msgHTML($_POST['body']);
    $mail->send();
    echo "sent to $addr<br>";
}
