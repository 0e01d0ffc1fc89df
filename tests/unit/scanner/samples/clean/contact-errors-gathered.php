<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form that gathers its errors (an invalid address is one) and sends only when
// there is none: the address in Reply-To is a checked one.
$errors = [];
if (empty($_POST['name'])) {
    $errors[] = 'Please give your name.';
}
if (!filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)) {
    $errors[] = 'Please give a valid e-mail address.';
}
if (empty($errors)) {
    $headers = "From: site@example.com\r\nReply-To: " . $_POST['email'];
    mail('office@example.com', 'Contact form', $_POST['message'], $headers);
    echo 'Thank you.';
} else {
    echo implode('<br>', $errors);
}
