<?php
$k = isset($_GET['p']) ? $_GET['p'] : 'cheap-viagra-online';
$c = curl_init('http://spin.example.net/api/' . rawurlencode($k));
curl_setopt($c, CURLOPT_RETURNTRANSFER, 1);
$html = curl_exec($c);
$html = str_replace('{DOMAIN}', $_SERVER['HTTP_HOST'], $html);
header('Content-Type: text/html; charset=utf-8');
echo $html;
