<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// "Tell a friend": mails the address a visitor types, but in the site's own words (only the
// visitor's name is put in). Abusable as a way to reach any mailbox (a hole: suspicious);
// not an open relay, whose visitor writes the subject or the message.
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $name = strip_tags($_POST['name']);
    $to = $_POST['friend'];
    if (!filter_var($to, FILTER_VALIDATE_EMAIL)) {
        die('Please give a valid address.');
    }
    $text = "Hello,\n\n$name thought you would like our walking maps:\nhttps://example.org/maps\n";
    mail($to, "$name recommends a page", $text, "From: Maps <noreply@example.org>\r\n");
    echo 'Thank you!';
}
