<?php
// a guest book: the message and the writer's address appended to the site's own file, then
// a thank-you page of the site's own
$ip = $_SERVER['REMOTE_ADDR'];
$line = date('c') . "\t" . $ip . "\t" . str_replace("\t", ' ', $_POST['name']) . "\t"
    . str_replace(["\t", "\n"], ' ', $_POST['message']) . "\n";
file_put_contents(__DIR__ . '/data/guestbook.tsv', $line, FILE_APPEND | LOCK_EX);
header('Location: /guestbook/thanks.html');
exit;
