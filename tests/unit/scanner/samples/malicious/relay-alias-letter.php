<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A relay that copies the posted address into the recipient ($to = $email) and names it
// in the subject, but mails the posted text as the letter: the visitor picks the mailbox
// and the words.
$email = filter_var($_POST['email'], FILTER_SANITIZE_EMAIL);
if (filter_var($email, FILTER_VALIDATE_EMAIL)) {
    $to = $email;
    $subject = 'A message for ' . $email;
    $message = $_POST['text'];
    mail($to, $subject, $message, "From: news@example.com");
    echo 'sent';
}
