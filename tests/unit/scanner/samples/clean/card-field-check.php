<?php
// checkout: reject a card number that fails the Luhn check before the gateway sees it
add_action('woocommerce_checkout_process', function () {
    $n = preg_replace('/\D/', '', $_POST['card_number'] ?? '');
    $sum = 0;
    foreach (str_split(strrev($n)) as $i => $d) { $d = (int)$d * ($i % 2 ? 2 : 1); $sum += $d > 9 ? $d - 9 : $d; }
    if ($sum % 10 !== 0 || strlen($_POST['cvc'] ?? '') < 3) {
        wc_add_notice(__('Please check your card number and security code.'), 'error');
        error_log('card check failed for order from ' . $_SERVER['REMOTE_ADDR']);
    }
});
