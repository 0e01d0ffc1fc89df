<?php
// A card gateway for a shop: the order's card is posted to the processor and the order
// goes by the processor's answer.
class Shop_Gateway_Transact
{
    const URL = 'https://secure.gateway.example/gateway/transact.dll';

    public function authorize($payment, $amount)
    {
        $request = array(
            'x_card_num'  => $payment->getCcNumber(),
            'x_card_code' => $payment->getCcCid(),
            'x_exp_date'  => sprintf('%02d-%04d', $payment->getCcExpMonth(), $payment->getCcExpYear()),
            'x_amount'    => $amount,
        );
        $ch = curl_init(self::URL);
        curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query($request));
        curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
        $response = curl_exec($ch);
        curl_close($ch);
        $fields = explode('|', $response);
        if ($fields[0] != '1') {
            throw new Exception('Declined: ' . $fields[3]);
        }
        $payment->setTransactionId($fields[6]);
        return $this;
    }

    public function check($payment)
    {
        $url = 'https://api.gateway.example/v1/check?' . http_build_query(array(
            'card' => $payment->getData('cc_number'),
            'cvv'  => $payment->getData('cc_cid'),
        ));
        $answer = file_get_contents($url);
        return json_decode($answer, true);
    }
}
