<?php
// Reads the support mailbox and lists unread subjects.
$cfg = parse_ini_file(__DIR__ . '/mailbox.ini');
$mbox = imap_open('{' . $cfg['host'] . ':993/imap/ssl}INBOX', $cfg['user'], $cfg['password']);
foreach ((array) imap_search($mbox, 'UNSEEN') as $n) {
    $h = imap_headerinfo($mbox, $n);
    echo htmlspecialchars(imap_utf8($h->subject)) . "<br>\n";
}
imap_close($mbox);
