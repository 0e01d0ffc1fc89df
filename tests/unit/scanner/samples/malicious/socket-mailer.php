<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$to = $_POST['to'];
list($user, $domain) = explode('@', $to);
getmxrr($domain, $mx);
$s = fsockopen($mx[0], 25);  // straight to the recipient's MX (this sample never runs)
fputs($s, "EHLO localhost\r\n");
fputs($s, "MAIL FROM:<test@example.invalid>\r\n");
fputs($s, "RCPT TO:<$to>\r\n");
fputs($s, "DATA\r\n");
fputs($s, "Subject: test\r\n\r\nharmless\r\n.\r\n");
fputs($s, "QUIT\r\n");
fclose($s);
