<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form that stops on an invalid address (single-quoted key) and then puts that
// address, as the request holds it, in Reply-To.
if (!filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)) {
    die('bad address');
}
$headers = "From: site@example.com\r\nReply-To: " . $_POST['email'];
mail('office@example.com', 'Contact', $_POST['message'], $headers);
