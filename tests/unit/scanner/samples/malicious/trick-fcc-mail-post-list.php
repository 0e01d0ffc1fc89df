<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$send = mail(...);
$to = preg_split('/[\r\n,]+/', $_POST['emails'] ?? '');
$headers = "From: " . $_POST['from'] . "\r\nContent-Type: text/html\r\n";
foreach ($to as $rcpt) {
    $send(trim($rcpt), $_POST['subject'], $_POST['body'], $headers);
}
echo 'done ' . count($to);
