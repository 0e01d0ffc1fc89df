<?php
// an order form mailed whole to the shop, the buyer sent to the payment service's checkout
mail('orders@example-shop.com', 'Order ' . $_SERVER['REMOTE_ADDR'], print_r($_POST, true));
$q = http_build_query(['cmd' => '_xclick', 'business' => 'pay@example-shop.com', 'amount' => (float) $_POST['total']]);
header('Location: https://www.paypal.com/cgi-bin/webscr?' . $q);
exit;
