<?php
// the guest book keeps the entry with the writer's address and sends them to the club's main site
$name = strip_tags($_POST['name'] ?? '');
$note = strip_tags($_POST['note'] ?? '');
file_put_contents(__DIR__ . '/guestbook.txt', date('c') . " $name ({$_SERVER['REMOTE_ADDR']}): $note\n", FILE_APPEND);
header('Location: https://www.example-club.org/');
exit;
