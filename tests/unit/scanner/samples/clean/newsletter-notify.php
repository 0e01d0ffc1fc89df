<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A newsletter sign-up that tells the site's owner of each new subscriber: the address,
// subject and headers are the script's own; only the message text holds what was posted.
if (empty($_POST['email'])) {
    echo 'Please enter your address.';
    return;
}
mail('owner@example.com', 'New subscriber', 'Email: ' . $_POST['email']);
$note = "Name: " . $_POST['name'] . "\nMessage: " . $_POST['message'];
mail('owner@example.com', 'Contact form', $note, 'From: web@example.com');
echo 'Thank you.';
