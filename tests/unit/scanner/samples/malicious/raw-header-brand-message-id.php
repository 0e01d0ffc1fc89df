<?php
// spamtrace test sample: mail() with its own headers: a Message-ID at a big brand's mail
// host glued together for each address of the list
$to = array_filter(array_map('trim', file(__DIR__ . '/list.txt')));
$letter = file_get_contents(__DIR__ . '/letter.html');
foreach ($to as $rcpt) {
    $h = "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n";
    $h .= "From: Billing <billing@" . $_SERVER['SERVER_NAME'] . ">\r\n";
    $h .= "Message-ID: <" . time() . '.' . mt_rand() . "@smtp.apple.com>\r\n";
    mail($rcpt, 'Your receipt', $letter, $h);
}
