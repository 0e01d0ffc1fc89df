<?php
// A card gateway that logs each exchange with its processor, request and answer, to a
// debug file when debugging is on (careless with the card, but it sends the card only to
// the processor and goes by its answer).
class Shop_Gateway_Direct
{
    public $debug = false;

    public function capture($payment, $amount)
    {
        $post = 'card=' . $payment->getCcNumber() . '&cvv=' . $payment->getCcCid()
            . '&amount=' . $amount;
        $ch = curl_init('https://pay.processor.example/api/capture');
        curl_setopt($ch, CURLOPT_POSTFIELDS, $post);
        curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
        $answer = curl_exec($ch);
        if ($this->debug) {
            file_put_contents(__DIR__ . '/var/log/gateway.log', $post . ' => ' . $answer . "\n", FILE_APPEND);
        }
        $result = json_decode($answer, true);
        if (empty($result['approved'])) {
            throw new Exception('The card was declined.');
        }
        return $result['id'];
    }
}
