<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
function notify_owner($subject, $text)
{
    return mail('owner@example.com', $subject, $text, 'From: site@example.com');
}
if (isset($_POST['message'])) {
    notify_owner('Contact form', $_POST['message']);
    echo 'Thank you';
}
