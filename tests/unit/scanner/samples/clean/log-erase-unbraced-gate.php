<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
session_start();
if (empty($_SESSION['erase_ok'])) exit('Please confirm your request by email first.');
$ip = $_SERVER['REMOTE_ADDR'];
foreach (glob(__DIR__ . '/../logs/access-*.log') as $log) {
    $lines = file($log);
    $keep = array_filter($lines, fn($l) => strpos($l, $ip . ' ') !== 0);
    file_put_contents($log, implode('', $keep));
}
echo 'Your address was removed from our logs.';
