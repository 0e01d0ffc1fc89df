<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form whose own sender is set only in one branch: otherwise the visitor's address
// field goes into the mail's headers as it came (a line break in it adds headers of the
// visitor's choice: header injection, a hole).
$headers = 'From: ' . $_POST['email'];
$body = $_POST['message'];
if (empty($_POST['email'])) {
    $headers = 'From: website@example.com';
}
mail('office@example.com', 'Contact form', $body, $headers);
echo 'Sent';
