<?php
// contact.php: reads the form, then sends the owner a mail under a subject of its own
// (the subject field typed in goes into the message only)
$to = 'office@example.com';
if (isset($_POST['submit'])) {
    $name = trim($_POST['name']);
    $email = trim($_POST['email']);
    $subject = trim($_POST['subject']);
    $message = trim($_POST['message']);
    if ($name !== '' && $message !== '') {
        $body = "Name: $name\nEmail: $email\nSubject: $subject\n\n$message\n";
        $subject = 'New contact request from the website';
        $headers = "From: website@example.com\r\n";
        mail($to, $subject, $body, $headers);
        echo 'Thank you, we will get back to you soon.';
    }
}
