<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The same form, but what it sends on is another list than the one the failed check adds
// to: nothing says the address was valid.
$errors = [];
if (empty($_POST['name'])) {
    $errors[] = 'Please give your name.';
}
if (!filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)) {
    $errors[] = 'Please give a valid e-mail address.';
}
if (empty($warnings)) {
    $headers = "From: site@example.com\r\nReply-To: " . $_POST['email'];
    mail('office@example.com', 'Contact form', $_POST['message'], $headers);
    echo 'Thank you.';
} else {
    echo implode('<br>', $errors);
}
