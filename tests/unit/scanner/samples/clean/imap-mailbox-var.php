<?php
// a webmail's inbox count: the mailbox name built from the account's settings
$cfg = require __DIR__ . '/config.php';
$server = '{' . $cfg['imap_host'] . ':993/imap/ssl/novalidate-cert}';
$box = imap_open($server . 'INBOX', $cfg['imap_user'], $cfg['imap_pass']);
$env = 'TZ=' . $cfg['timezone'];
putenv($env);
echo imap_num_msg($box) . " messages\n";
imap_close($box);
