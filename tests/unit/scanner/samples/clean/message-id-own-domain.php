<?php
// a shop's order mailer: the Message-ID made at the shop's own host; the letter tells the
// buyer where the payment service answers questions
require 'vendor/autoload.php';
function send_order_mail($order)
{
    $m = new PHPMailer\PHPMailer\PHPMailer();
    $m->setFrom('orders@' . $_SERVER['SERVER_NAME'], 'Shop');
    $m->MessageID = '<order-' . (int) $order['id'] . '.' . time() . '@' . $_SERVER['SERVER_NAME'] . '>';
    $m->addAddress($order['email']);
    $m->Subject = 'Order #' . (int) $order['id'];
    $m->Body = 'Paid with PayPal? Questions go to <a href="mailto:help@paypal.com">help@paypal.com</a>.';
    return $m->send();
}
