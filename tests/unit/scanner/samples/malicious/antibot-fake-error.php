<?php
// a kit's proxy gate: the visitor's address looked up, a fake Apache error for proxies
// (written for the tests, never run)
$ip = getenv("REMOTE_ADDR");
$ch = curl_init("https://proxy-check.invalid/lookup/" . $ip);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
if (curl_exec($ch) == "Y") {
    die('<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1>'
        . '<p>You dont have permission to access / on this server.</p></body></html>');
}
