<?php
// a shop keeps the cart in a cookie and only reads its items
$cart = isset($_COOKIE['cart']) ? unserialize($_COOKIE['cart'], ['allowed_classes' => false]) : [];
$total = 0;
foreach ($cart as $item) {
    $total += (int) $item['qty'] * (float) $item['price'];
}
printf('%d items, %.2f EUR', count($cart), $total);
