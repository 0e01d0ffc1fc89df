<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form: the subject names the visitor (the posted name and address), the message
// is theirs, the recipient is the owner's own fixed address and the headers are the site's.
// mail() turns line breaks in the recipient and the subject into spaces: nothing typed here
// adds a header or another recipient.
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $name = trim($_POST['name'] ?? '');
    $address = filter_var($_POST['address'] ?? '', FILTER_SANITIZE_EMAIL);
    $subject = 'Message from ' . $name . ' (' . $address . ')';
    mail('office@example.com', $subject, $_POST['message'] ?? '', 'From: website@example.com');
    header('Location: contact.php?sent=1');
    exit;
}
