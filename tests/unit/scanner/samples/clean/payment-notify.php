<?php
// a payment provider's notice: the posted resource is decrypted with the merchant key
$body = json_decode(file_get_contents('php://input'), true);
$res = $body['resource'];
$plain = openssl_decrypt(
    base64_decode($res['ciphertext']),
    'aes-256-gcm',
    MERCHANT_API_KEY,
    OPENSSL_RAW_DATA,
    $res['nonce']
);
assert($plain !== false);
$order = json_decode($plain, true);
update_order_status($order['out_trade_no'], 'paid');
echo json_encode(array('code' => 'SUCCESS'));
