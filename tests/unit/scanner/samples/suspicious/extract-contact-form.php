<?php
// An old-style contact form: every posted field becomes a variable (a hole: a field named
// like a variable of the script overwrites it), the message is mailed to the site's owner.
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    extract($_POST);
    $name = htmlspecialchars(trim($visitor_name));
    $from = filter_var($visitor_email, FILTER_VALIDATE_EMAIL);
    if ($from === false) {
        exit('Please give a valid address.');
    }
    $body = "Name: $name\nE-mail: $from\n\n" . htmlspecialchars($visitor_message);
    mail('owner@bakery.example', 'Website enquiry', $body, "From: site@bakery.example\r\n");
    header('Location: thanks.html');
}
