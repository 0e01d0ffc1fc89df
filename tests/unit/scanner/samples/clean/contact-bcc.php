<?php
// A contact form notice: the owner gets a note, the archive a blind copy; addresses fixed.
$from = filter_var($_POST['email'] ?? '', FILTER_VALIDATE_EMAIL);
if ($from) {
    $id = (int) @file_get_contents(__DIR__ . '/counter.txt') + 1;
    file_put_contents(__DIR__ . '/counter.txt', $id);
    $headers = "From: webform@example.org\r\nBcc: archive@example.org";
    mail('owner@example.org', 'Contact form', 'New message #' . $id, $headers);
}
