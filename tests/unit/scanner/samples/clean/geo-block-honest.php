<?php
// a shop that does not ship to some countries says so (403 and its own words)
$info = json_decode(file_get_contents('https://ipapi.co/' . $_SERVER['REMOTE_ADDR'] . '/json/'), true);
$blocked = ['KP', 'IR', 'SY'];
if (in_array($info['country_code'] ?? '', $blocked, true)) {
    header('HTTP/1.1 403 Forbidden');
    exit('Sorry, our shop cannot sell to your country.');
}
