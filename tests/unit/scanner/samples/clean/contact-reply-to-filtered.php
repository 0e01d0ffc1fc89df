<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form that keeps the validated address itself and builds its headers from it.
$email = filter_var($_POST['email'] ?? '', FILTER_VALIDATE_EMAIL);
if ($email === false) {
    exit('Please give a valid e-mail address.');
}
$headers = "From: website@example.com\r\n";
$headers .= "Reply-To: " . $email . "\r\n";
$headers .= "Content-Type: text/plain; charset=utf-8";
mail('office@example.com', 'Website contact form', $_POST['message'], $headers);
echo 'Thank you.';
