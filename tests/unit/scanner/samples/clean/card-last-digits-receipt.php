<?php
// A shop's receipt: the card's last digits are mailed to the customer and logged; the
// security code is only checked to be there.
function send_receipt($order, $payment)
{
    if (!$payment->getCcCid()) {
        throw new Exception('The security code is missing.');
    }
    $last = substr($payment->getCcNumber(), -4);
    $text = "Thank you for your order " . $order->getIncrementId() . ".\n"
        . "Paid with the card ending in " . $last . ".\n";
    mail($order->getCustomerEmail(), 'Your receipt', $text);
    error_log('order ' . $order->getIncrementId() . ' card ****' . $last);
}
