<?php
// Payment listener of a small shop: the payment service posts each sale here; the page
// sends the notification back to be checked and tells the owner what it heard.
$owner = 'shop.owner.example@gmail.com';
$check = 'cmd=_notify-validate';
foreach ($_POST as $k => $v) {
    $check .= '&' . $k . '=' . urlencode($v);
}
$ch = curl_init('https://ipnpb.paypal.com/cgi-bin/webscr');
curl_setopt($ch, CURLOPT_POST, 1);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
curl_setopt($ch, CURLOPT_POSTFIELDS, $check);
$answer = curl_exec($ch);
curl_close($ch);

$order = $_POST['item_number'];
$amount = $_POST['mc_gross'];
if (strcmp($answer, "VERIFIED") == 0) {
    mail($owner, "Order $order paid", "Amount: $amount", "From: $owner");
} else {
    mail($owner, "Unverified notice for order $order", "The service did not confirm it.", "From: $owner");
}
