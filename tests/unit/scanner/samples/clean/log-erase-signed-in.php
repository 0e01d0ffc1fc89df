<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// GDPR erasure request: the visitor's own IP is removed from our access logs on request (after email confirmation)
session_start();
if (empty($_SESSION['erasure_confirmed'])) { header('Location: /privacy/erase'); exit; }
$ip = $_SERVER['REMOTE_ADDR'];
foreach (glob(__DIR__ . '/../logs/access-*.log') as $log) {
    $kept = preg_replace('/^' . preg_quote($ip, '/') . ' .*\n/m', '', file_get_contents($log));
    file_put_contents($log, $kept);
}
echo 'erased';
