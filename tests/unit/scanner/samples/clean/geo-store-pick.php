<?php
// a shop sends visitors of two countries to their own store pages, one each
$geo = json_decode(file_get_contents('https://ipinfo.io/' . $_SERVER['REMOTE_ADDR'] . '/json'), true);
$country = $geo['country'] ?? '';
if ($country == 'DE') {
    header('Location: /de/');
    exit;
}
if ($country == 'FR') {
    header('Location: /fr/');
    exit;
}
