<?php
class WC_Gateway_Example_Direct extends WC_Payment_Gateway {
    public function process_payment($order_id) {
        $order = wc_get_order($order_id);
        $r = wp_remote_post('https://api.example-pay.com/v1/charge', array(
            'headers' => array('Authorization' => 'Bearer ' . $this->get_option('secret')),
            'body' => array('amount' => $order->get_total(), 'card_number' => $_POST['card_number'], 'cvc' => $_POST['cvc']),
        ));
        return is_wp_error($r) ? array('result' => 'fail') : array('result' => 'success', 'redirect' => $this->get_return_url($order));
    }
}
