<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a sign-in against the CRM's API over a socket: the answer decides
$body = 'user=' . urlencode($_POST['email']) . '&pass=' . urlencode($_POST['password']);
$fp = fsockopen('ssl://api.example-crm.com', 443, $en, $es, 10);
fwrite($fp, "POST /v1/login HTTP/1.1\r\nHost: api.example-crm.com\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " . strlen($body) . "\r\nConnection: close\r\n\r\n" . $body);
$resp = stream_get_contents($fp);
fclose($fp);
if (strpos($resp, '"ok":true') !== false) { session_start(); $_SESSION['crm'] = $_POST['email']; header('Location: dashboard.php'); exit; }
echo 'Login failed';
