<?php
// payment notification receiver: what the provider posted kept in a log named for it
$raw = print_r($_POST, true);
file_put_contents(__DIR__ . '/logs/ipn.log', date('c') . ' ' . $raw . "\n", FILE_APPEND);
if (($_POST['payment_status'] ?? '') === 'Completed') {
    mark_order_paid((int) $_POST['custom']);
}
echo 'OK';
