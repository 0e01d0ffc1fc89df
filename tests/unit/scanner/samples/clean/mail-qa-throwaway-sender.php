<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// QA script: sends a test message to the local MailHog from a throwaway sender per run
$from = 'qa-' . bin2hex(random_bytes(4)) . '@example.test';
$headers = "From: QA <$from>\r\nX-Run: " . uniqid() . "\r\n";
ini_set('SMTP', '127.0.0.1');
ini_set('smtp_port', '1025');
mail('inbox@example.test', 'Contact form smoke test', 'body', $headers);
