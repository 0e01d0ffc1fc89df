<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A feedback form that files the visitor's topic in the subject, straight from the form, of
// a mail to the site's own fixed address with no headers of the visitor's.
$owner = 'feedback@example.com';
if (!empty($_POST['message'])) {
    mail($owner, 'Feedback: ' . $_POST['topic'], $_POST['message']);
    echo 'Thank you for your feedback.';
}
