<?php
// the app's own log, appended with message type 3
function shop_log($line) {
    error_log('[' . date('c') . '] ' . $line . "\n", 3, __DIR__ . '/logs/shop.log');
}
shop_log('order placed: ' . (int) ($_POST['order'] ?? 0));
