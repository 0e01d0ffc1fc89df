<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A contact form that mails the owner and sends the visitor a copy of the message. Anyone
// can put someone else's address in "email" and make the site mail that person their text
// (a hole: suspicious), but the subject and headers are the site's and the owner always
// gets the same mail: built to answer a form, not to send for others.
if (isset($_POST['submit'])) {
    $to = "info@example.com";
    $from = $_POST['email'];
    $first = $_POST['first_name'];
    $message = $first . " wrote:\n\n" . $_POST['message'];
    $copy = "Here is a copy of your message, " . $first . "\n\n" . $_POST['message'];
    mail($to, "Form submission", $message, "From:" . $from);
    mail($from, "Copy of your form submission", $copy, "From:" . $to);
    echo "Mail Sent. Thank you " . $first . ", we will contact you shortly.";
}
