<?php
// spamtrace test sample (never run): a naive contact form whose fields reach mail() through
// variables. The recipient is fixed; the headers are built from what the visitor typed.
$subject = $_POST['subject'] ?? 'Enquiry';
$from = $_POST['email'] ?? 'nobody@example.com';
$text = $_POST['message'] ?? '';
mail('owner@example.com', $subject, $text, "From: $from\r\n");
echo 'Thank you';
