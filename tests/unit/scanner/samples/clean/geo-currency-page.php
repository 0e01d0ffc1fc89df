<?php
// a shop shows prices in the visitor's currency
include 'header.php';
$ip = $_SERVER['REMOTE_ADDR'];
$geo = @json_decode(file_get_contents('http://www.geoplugin.net/json.gp?ip=' . urlencode($ip)));
$currency = $geo ? $geo->geoplugin_currencyCode : 'EUR';
echo 'Prices in ' . htmlspecialchars($currency);
include 'footer.php';
