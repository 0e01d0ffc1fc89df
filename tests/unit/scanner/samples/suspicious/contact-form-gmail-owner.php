<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A one-person site's contact form: the message goes to the owner's own free-mail box, from
// the address the visitor typed (header injection possible: suspicious), to one fixed
// recipient, once.
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $name = strip_tags($_POST['name']);
    $email = $_POST['email'];
    $subject = 'Contact: ' . $_POST['subject'];
    $message = "From $name <$email>\n\n" . $_POST['message'];
    $headers = 'From: ' . $name . ' <' . $email . ">\r\nReply-To: " . $email . "\r\n";
    $to = 'site.owner.example@gmail.com';
    if (mail($to, $subject, $message, $headers)) {
        header('Location: thanks.html');
        exit;
    }
}
