<?php
// a contact form mailed to the site's own address: careless (the fields are not checked),
// but no password or card field goes anywhere
$body = "Name: " . $_POST['name'] . "\nEmail: " . $_POST['email'] . "\nMessage: " . $_POST['message'];
mail("office@example.org", "Contact form", $body);
echo "Thank you";
