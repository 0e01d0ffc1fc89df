<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The same form with filter_input() but no e-mail filter: the visitor's text goes into the
// headers as it came (a line break in it adds headers of the visitor's choice).
$email = filter_input(INPUT_POST, 'email');
$headers = "From: website@example.com\r\n";
$headers .= "Reply-To: " . $email . "\r\n";
mail('office@example.com', 'Website contact form', $_POST['message'], $headers);
echo 'Thank you.';
