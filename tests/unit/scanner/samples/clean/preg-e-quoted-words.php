<?php
// PHP 5 era formatting of an order number: string functions and quoted words only
$ref = preg_replace('/(\d+)-(\d+)/e', 'sprintf("%05d", "\1") . " / " . str_pad("\2", 3, "0", STR_PAD_LEFT)', $order['ref']);
echo preg_replace('/\b([a-z]+) item\b/e', 'ucfirst("\1") . " item"', $title);
echo htmlspecialchars($ref);
