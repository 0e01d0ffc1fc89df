<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// An admin's mail test page: sends a fixed test message about this server to the address in
// the query and shows why it failed. The visitor picks the mailbox, not the words: no relay,
// but a page anyone can make send mail (suspicious).
ini_set('display_errors', 1);
error_reporting(E_ALL);
$from = 'webmaster@example.com';
$to = isset($_GET['email']) ? $_GET['email'] : false;
if (!$to) {
    exit('Set email.');
}
$message = '';
foreach (array('HTTP_HOST', 'SERVER_NAME', 'SERVER_SOFTWARE') as $s) {
    $message .= sprintf('%s: %s', $s, $_SERVER[$s]) . PHP_EOL;
}
$headers = 'From: ' . $from . PHP_EOL . 'X-Mailer: PHP/' . phpversion();
if (isset($_GET['send'])) {
    $ok = mail($to, 'Mail test for ' . $_SERVER['HTTP_HOST'], $message, $headers);
    echo 'Sent to ' . htmlspecialchars($to) . ': ' . ($ok ? 'yes' : 'no');
}
