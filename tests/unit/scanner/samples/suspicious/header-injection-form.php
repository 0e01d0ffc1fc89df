<?php
// spamtrace test sample (never run): a naive contact form. The recipient is fixed, but the
// subject and the From header come straight from the form: open to header injection.
if (!empty($_POST['email'])) {
    mail('owner@example.com', $_POST['subject'], $_POST['message'], 'From: ' . $_POST['email']);
    echo 'Thank you';
}
