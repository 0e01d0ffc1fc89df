<?php
// a club's newsletter: the member list from a file, one letter each, an unsubscribe link
$letter = file_get_contents('issue.txt');
foreach (file('members.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $to) {
    $body = $letter . "\n\nUnsubscribe: https://club.example.org/unsubscribe?e=" . urlencode($to);
    mail($to, 'Club newsletter', $body, 'From: Club <news@club.example.org>');
    usleep(200000);
}
