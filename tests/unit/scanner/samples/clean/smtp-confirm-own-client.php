<?php
// newsletter sign-up: a confirmation mail to the address typed, through our own small SMTP client
function smtp_send($to, $subject, $body) {
    $s = fsockopen('localhost', 25, $errno, $errstr, 10);
    fgets($s, 512);
    fwrite($s, "HELO example-shop.com\r\n"); fgets($s, 512);
    fwrite($s, "MAIL FROM:<news@example-shop.com>\r\n"); fgets($s, 512);
    fwrite($s, "RCPT TO:<$to>\r\n"); fgets($s, 512);
    fwrite($s, "DATA\r\n"); fgets($s, 512);
    fwrite($s, "Subject: $subject\r\n\r\n$body\r\n.\r\n"); fgets($s, 512);
    fwrite($s, "QUIT\r\n");
    fclose($s);
}
$email = filter_var($_POST['email'], FILTER_VALIDATE_EMAIL);
if ($email) {
    smtp_send($email, 'Please confirm your subscription', "Click https://example-shop.com/confirm to confirm.");
}
