<?php
// an API helper downloads JSON; a template read from disk is what eval() runs
function http_get($url)
{
    $c = curl_init($url);
    curl_setopt($c, CURLOPT_RETURNTRANSFER, true);
    $body = curl_exec($c);
    curl_close($c);
    return $body;
}

function view($file)
{
    return file_get_contents($file);
}

$rates = json_decode(http_get('https://api.example.org/v1/rates'), true);
$rate = isset($rates['EUR']) ? (float) $rates['EUR'] : 1.0;
eval('?>' . view(__DIR__ . '/views/rates.phtml'));
