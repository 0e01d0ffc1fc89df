<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Looks like the validated contact form, but the check only warns and the script goes on:
// a line break in the posted address still adds headers (header injection).
if (!filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)) {
    echo 'That address looks wrong, sending anyway.';
}
$body = "Name: " . strip_tags($_POST['name']) . "\n\n" . strip_tags($_POST['message']);
mail('office@example.com', 'Website contact form', $body,
    "From: website@example.com\r\nReply-To: " . $_POST['email']);
