<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Phishing run: a forged bank sender, a list file, the same letter to everyone.
$subject = 'Your account is limited';
$body = '<p>Please confirm your details: <a href="http://127.0.0.1:9/confirm">confirm</a></p>';
$headers = "From: PayPal <service@paypal.com>\r\nContent-Type: text/html\r\n";
foreach (file(__DIR__ . '/list.txt') as $to) {
    @mail(trim($to), $subject, $body, $headers);
}
