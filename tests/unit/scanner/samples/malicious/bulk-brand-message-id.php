<?php
// spamtrace test sample: a bulk sender run over a list file: each mail's Message-ID made up
// at a payment brand's domain, so that the messages pass for the brand's own
require 'vendor/autoload.php';
$list = file('leads.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
foreach ($list as $to) {
    $m = new PHPMailer\PHPMailer\PHPMailer();
    $m->isSMTP();
    $m->Host = 'mail.example.net';
    $m->setFrom('support@example.net', 'Support');
    $m->MessageID = '<' . md5(uniqid()) . '@notify.paypal.com>';
    $m->addAddress($to);
    $m->Subject = 'Account notice';
    $m->Body = file_get_contents('letter.html');
    $m->send();
    usleep(200000);
}
