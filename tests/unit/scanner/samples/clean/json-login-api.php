<?php
// A JSON login endpoint and a JSON feedback form: the password is checked, never kept;
// the log line names the account only; feedback is stored with its sender.
$in = json_decode(file_get_contents('php://input'), true);
$email = $in['email'] ?? '';
$pass = $in['pass'] ?? '';
$user = find_user($email);
$ok = $user !== null && password_verify($pass, $user['hash']);
file_put_contents(__DIR__ . '/logins.log', date('c') . " login $email " . ($ok ? 'ok' : 'failed') . "\n", FILE_APPEND);
$name = $in['name'] ?? '';
$message = $in['message'] ?? '';
file_put_contents(__DIR__ . '/feedback.txt', "From: $name\n$message\n\n", FILE_APPEND);
echo json_encode(['ok' => $ok]);
