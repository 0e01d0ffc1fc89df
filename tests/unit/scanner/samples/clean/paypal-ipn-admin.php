<?php
// a shop's PayPal IPN listener: a verified payment is mailed to the shop's owner
$raw = file_get_contents('php://input');
$ch = curl_init('https://ipnpb.paypal.com/cgi-bin/webscr');
curl_setopt($ch, CURLOPT_POSTFIELDS, 'cmd=_notify-validate&' . $raw);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$res = curl_exec($ch);
if ($res === 'VERIFIED') {
    $amount = (float) $_POST['mc_gross'];
    $body = "PayPal payment verified, paid by card: " . $amount;
    mail('orders@shop.example', 'PayPal IPN VERIFIED payment', $body);
}
