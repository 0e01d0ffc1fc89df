<?php
// a donation form closed to sanctioned countries says so, with a 403
$ip = $_SERVER['REMOTE_ADDR'];
$geo = json_decode(file_get_contents('http://ip-api.com/json/' . $ip), true);
$cc = $geo['countryCode'] ?? '';
if ($cc == 'KP') {
    http_response_code(403);
    exit('Donations are not available in your country.');
} elseif ($cc == 'IR') {
    http_response_code(403);
    exit('Donations are not available in your country.');
}
