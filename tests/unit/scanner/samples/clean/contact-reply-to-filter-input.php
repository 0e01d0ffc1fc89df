<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form that reads the visitor's address through filter_input() with the e-mail
// filter (PHP returns false or a valid address: no line break can get into the header).
$email = filter_input(INPUT_POST, 'email', FILTER_VALIDATE_EMAIL);
if (!$email) {
    exit('Please give a valid e-mail address.');
}
$headers = "From: website@example.com\r\n";
$headers .= "Reply-To: " . $email . "\r\n";
mail('office@example.com', 'Website contact form', $_POST['message'], $headers);
echo 'Thank you.';
