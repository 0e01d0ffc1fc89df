<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A password-reset page: it mails a one-time link to the address the member typed, once
// filter_var() has checked it is one address. The site writes every word of the letter.
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $email = trim($_POST['email'] ?? '');
    if (!filter_var($email, FILTER_VALIDATE_EMAIL)) {
        exit('Please give a valid e-mail address.');
    }
    $token = bin2hex(random_bytes(16));
    $link = 'https://example.com/reset.php?token=' . $token;
    mail($email, 'Reset your password', "Open this link to choose a new password:\n" . $link,
        "From: accounts@example.com");
    echo 'Check your mailbox.';
}
