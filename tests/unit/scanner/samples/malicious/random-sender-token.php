<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
function rnd($n) { $s = ''; for ($i = 0; $i < $n; $i++) { $s .= chr(mt_rand(97, 122)); } return $s; }
$cfg = ['sender_email' => 'no-reply@%RND%.netflix-billing.com', 'sender_name' => 'Netflix'];
foreach (file('mails.txt') as $to) {
    $mail = new PHPMailer();
    $mail->setFrom(str_replace('%RND%', rnd(10), $cfg['sender_email']), $cfg['sender_name']);
    $mail->addAddress(trim($to));
    $mail->Subject = 'Payment declined';
    $mail->Body = file_get_contents('n.html');
    $mail->send();
}
