<?php
// test fixture: a same-origin proxy to a weather API, the answer passed on as it is
$api = 'https://api.weather.example.test/v1/';
$data = file_get_contents($api . '?' . $_SERVER['QUERY_STRING']);
$tag = '<script>var src = "' . $_SERVER['HTTP_HOST'] . '";</script>';
header('Content-Type: application/json');
echo $data;
