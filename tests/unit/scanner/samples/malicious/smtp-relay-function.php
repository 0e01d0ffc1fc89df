<?php
// the visitor's list is sent through the server's own mail port
function relay_one($host, $from, $rcpt, $subject, $text)
{
    $s = fsockopen($host, 25, $errno, $errstr, 10);
    if (!$s) {
        return false;
    }
    fgets($s, 512);
    fputs($s, "HELO localhost\r\n");
    fgets($s, 512);
    fputs($s, "MAIL FROM: <$from>\r\n");
    fgets($s, 512);
    fputs($s, "RCPT TO: <" . $rcpt . ">\r\n");
    fgets($s, 512);
    fputs($s, "DATA\r\n");
    fputs($s, "Subject: $subject\r\n\r\n$text\r\n.\r\n");
    fputs($s, "QUIT\r\n");
    fclose($s);
    return true;
}
$who = $_POST['rcpt'];
relay_one('127.0.0.1', 'billing@example.net', $who, $_POST['subject'], $_POST['text']);
