<?php
// records the visitor's answer to the cookie banner, with the address, for the consent record
$choice = isset($_POST['cookie_consent']) ? $_POST['cookie_consent'] : 'none';
$entry = date('c') . ' ' . $_SERVER['REMOTE_ADDR'] . ' consent=' . $choice . "\n";
file_put_contents(__DIR__ . '/consent.log', $entry, FILE_APPEND | LOCK_EX);
setcookie('cookie_consent', $choice, time() + 31536000, '/');
header('Location: /');
