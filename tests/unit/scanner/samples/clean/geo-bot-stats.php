<?php
// visit statistics: the country of each visitor and whether it is a crawler, counted
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
$bot = stripos($ua, 'googlebot') !== false;
$geo = json_decode(file_get_contents('http://ip-api.com/json/' . $_SERVER['REMOTE_ADDR']), true);
$country = $geo['country'] ?? 'unknown';
if ($country === 'Germany') {
    $lang = 'de';
}
record_visit($country, $bot, $lang ?? 'en');
