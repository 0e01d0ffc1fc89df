<?php
// PayPal IPN listener: posts the notification back for verification
$req = 'cmd=_notify-validate&' . http_build_query($_POST);
$ch = curl_init('https://ipnpb.paypal.com/cgi-bin/webscr');
curl_setopt($ch, CURLOPT_POST, 1);
curl_setopt($ch, CURLOPT_POSTFIELDS, $req);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
$res = curl_exec($ch);
error_log('IPN from ' . $_SERVER['REMOTE_ADDR'] . ': ' . $res);
if ($res === 'VERIFIED') {
    file_put_contents(__DIR__ . '/orders/paid.log', $_POST['txn_id'] . "\n", FILE_APPEND);
}
echo 'ok <a href="https://www.paypal.com/">PayPal</a>';
