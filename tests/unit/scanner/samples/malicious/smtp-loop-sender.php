<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A procedural raw-SMTP sender that loops over sessions to a loopback sink.
$fp = null;
for ($i = 0; $i < 3; $i++) {
    $fp = fsockopen('127.0.0.1', 2525, $errno, $errstr, 5);
    fwrite($fp, "HELO localhost\r\n");
    fwrite($fp, "MAIL FROM:<a@example.invalid>\r\n");
    fwrite($fp, "RCPT TO:<b$i@example.invalid>\r\n");
    fwrite($fp, "DATA\r\nSubject: test\r\n\r\nharmless\r\n.\r\nQUIT\r\n");
    fclose($fp);
}
