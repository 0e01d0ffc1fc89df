<?php
// a shop's order note: the sender is a person called Chase, the shop names its payment partner
$to = 'orders@shop.example';
$headers  = "From: Chase Miller <chase@shop.example>\r\n";
$headers .= "Reply-To: Apple Street Bakery <hello@applestreetbakery.example>\r\n";
$body = "Paid with PayPal. Order #1204 ready for pickup.";
mail($to, 'Order ready', $body, $headers);
