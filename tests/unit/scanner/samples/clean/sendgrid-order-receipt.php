<?php
// the shop's receipt: one mail to the customer of the order, through SendGrid
$order = json_decode(file_get_contents(__DIR__ . '/orders/' . basename($_GET['id'] ?? '') . '.json'), true);
$tags = explode(',', $_GET['tags'] ?? '');
$ch = curl_init('https://api.sendgrid.com/v3/mail/send');
curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: Bearer ' . getenv('SENDGRID_KEY'), 'Content-Type: application/json']);
curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode([
    'personalizations' => [['to' => [['email' => $order['email']]]]],
    'from' => ['email' => 'shop@example.org'],
    'subject' => 'Your order #' . (int) $order['id'],
    'content' => [['type' => 'text/plain', 'value' => 'Thank you for your order.']],
    'categories' => array_slice($tags, 0, 3),
]));
curl_exec($ch);
