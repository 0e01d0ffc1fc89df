<?php
// a contact form mailed to the site's own address: the fields go into the message only (no
// recipient, subject or header of the visitor's), and no password or card field goes anywhere
$body = "Name: " . $_POST['name'] . "\nEmail: " . $_POST['email'] . "\nMessage: " . $_POST['message'];
mail("office@example.org", "Contact form", $body);
echo "Thank you";
