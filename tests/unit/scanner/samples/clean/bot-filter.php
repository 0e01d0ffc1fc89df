<?php
// a site's own crawler filter and version checks
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
$allowed = array("127.0.0.1", "10.0.0.1", "192.168.1.10", "203.0.113.5", "198.51.100.7");
$versions = array("5.2.1", "5.3.0", "6.0.2", "6.1.1", "7.0.0", "7.1.0");
if (preg_match('/bot|crawl|spider/i', $agent) && !in_array($_SERVER['REMOTE_ADDR'], $allowed)) {
    header("HTTP/1.1 403 Forbidden");
    exit;
}
