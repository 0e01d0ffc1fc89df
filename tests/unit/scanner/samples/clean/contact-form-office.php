<?php
// a contact form mailed to the site's own address: careless (the fields are not checked),
// but no password or card field goes anywhere, and the visitor's text is only the message:
// the recipient, subject and headers are the script's own
$body = "Name: " . $_POST['name'] . "\nEmail: " . $_POST['email'] . "\nMessage: " . $_POST['message'];
mail("office@example.org", "Contact form", $body);
echo "Thank you";
