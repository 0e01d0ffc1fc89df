<?php
// the application's bootstrap: its own .env, then its API client
$env = parse_ini_file(__DIR__ . '/../.env');
$c = curl_init($env['API_URL'] . '/status');
curl_setopt($c, CURLOPT_HTTPHEADER, array('Authorization: Bearer ' . $env['API_TOKEN']));
curl_setopt($c, CURLOPT_RETURNTRANSFER, true);
$status = json_decode(curl_exec($c), true);
