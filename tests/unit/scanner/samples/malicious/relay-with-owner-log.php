<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A relay that reports to its operator: sends the request's subject and text to the
// request's address, and mails a fixed address a line about it.
$to = $_POST['to'];
$subject = $_POST['subject'];
$body = $_POST['body'];
mail($to, $subject, $body, "From: news@example.com");
mail('operator@example.net', 'sent', $to);
echo 'ok';
