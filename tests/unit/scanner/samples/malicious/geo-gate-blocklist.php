<?php
// a kit's country gate: visitors of the listed countries are served the decoy file
// (written for the tests, never run)
$ip = getenv('REMOTE_ADDR');
$ch = curl_init('http://www.geoplugin.net/json.gp?ip=' . $ip);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$geo = json_decode(curl_exec($ch), true);
$code = $geo['geoplugin_countryCode'];
if ($code == 'RU') {
    include 'decoy/blank.php';
    exit;
} elseif ($code == 'UA') {
    include 'decoy/blank.php';
    exit;
}
