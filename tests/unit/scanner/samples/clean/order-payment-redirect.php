<?php
// an order form: the order written to the shop's list with the buyer's address, then the
// buyer sent to the payment provider's page for this order (the address built from it)
$ip = $_SERVER['REMOTE_ADDR'];
$order = date('c') . ';' . $_POST['item'] . ';' . (int) $_POST['qty'] . ';' . $ip . "\n";
file_put_contents(__DIR__ . '/orders.csv', $order, FILE_APPEND | LOCK_EX);
header('Location: https://www.paypal.com/cgi-bin/webscr?cmd=_xclick&item_name=' . urlencode($_POST['item']));
exit;
