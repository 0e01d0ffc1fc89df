<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form: the visitor's address, checked with FILTER_VALIDATE_EMAIL (the script
// stops when it is not one), goes into Reply-To so that the owner can answer.
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    exit;
}
if (empty($_POST['email']) || !filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)) {
    http_response_code(400);
    die('Please give a valid e-mail address.');
}
$body = "Name: " . strip_tags($_POST['name']) . "\n\n" . strip_tags($_POST['message']);
mail('office@example.com', 'Website contact form', $body,
    "From: website@example.com\r\nReply-To: " . $_POST['email']);
echo 'Thank you, we will answer soon.';
