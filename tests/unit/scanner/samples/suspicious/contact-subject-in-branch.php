<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form whose own subject is set only in one branch: otherwise the visitor's
// subject field reaches the mail's header (header injection: a hole).
$subject = $_POST['subject'];
$body = $_POST['message'];
if (empty($subject)) {
    $subject = 'Contact form';
}
mail('office@example.com', $subject, $body, 'From: website@example.com');
echo 'Sent';
