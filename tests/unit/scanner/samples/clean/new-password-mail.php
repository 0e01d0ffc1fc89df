<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A "forgot password" page: it mails a new password to the address the member typed, in
// the site's own words; the letter repeats that address ("E-mail: ...") and nothing else
// of the request. The visitor picks the mailbox (a checked one), never the words.
$error = '';
if (isset($_POST['submit']) && $_POST['email'] != '') {
    $email = filter_var($_POST['email'], FILTER_SANITIZE_EMAIL);
    if (filter_var($email, FILTER_VALIDATE_EMAIL)) {
        $password = substr(str_shuffle('abcdefghjkmnpqrstuvwxyz23456789'), 0, 10);
        $to = $email;
        $subject = 'Your new password';
        $message = 'Hello,

your new password: ' . $password . '
E-mail: ' . $email . '

You can sign in with this address and password now.';
        if (mail($to, $subject, $message, "From: accounts@example.com")) {
            echo 'A new password is on its way to your mailbox.';
        }
    } else {
        $error = 'Invalid e-mail address';
    }
}
