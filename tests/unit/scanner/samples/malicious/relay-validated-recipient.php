<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A relay dressed as a contact form: every address is validated, but the recipient comes
// from the request, so any visitor sends mail anywhere through this server.
if (!filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)) {
    die('Please give a valid e-mail address.');
}
mail($_POST['email'], $_POST['subject'], $_POST['message'],
    "From: website@example.com\r\nReply-To: " . $_POST['email']);
echo 'sent';
