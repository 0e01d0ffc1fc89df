<?php
// a mail server check: one SMTP session to the local MTA, a fixed test letter to the
// admin, each answer of the server read line by line and shown
$s = fsockopen('localhost', 25, $errno, $errstr, 10);
if (!$s) {
    die("Connection failed: $errstr ($errno)");
}
echo 'Server: ' . fgets($s, 512);
fwrite($s, "EHLO check.example.org\r\n");
while ($line = fgets($s, 512)) {
    echo 'Server: ' . $line;
    if (substr($line, 3, 1) === ' ') break;
}
fwrite($s, "MAIL FROM: <check@example.org>\r\n");
while ($line = fgets($s, 512)) {
    if (substr($line, 3, 1) === ' ') break;
}
fwrite($s, "RCPT TO: <admin@example.org>\r\n");
while ($line = fgets($s, 512)) {
    if (substr($line, 3, 1) === ' ') break;
}
fwrite($s, "DATA\r\n");
fwrite($s, "Subject: mail check\r\n\r\nThe local MTA accepts mail.\r\n.\r\n");
fwrite($s, "QUIT\r\n");
fclose($s);
