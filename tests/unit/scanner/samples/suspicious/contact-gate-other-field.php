<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The address is checked, but Reply-To takes another field (the name) as it came: a line
// break in it adds headers of the visitor's choice.
if (!filter_var($_POST['email'], FILTER_VALIDATE_EMAIL)) {
    die('bad address');
}
$headers = "From: site@example.com\r\nReply-To: " . $_POST['name'];
mail('office@example.com', 'Contact', $_POST['message'], $headers);
