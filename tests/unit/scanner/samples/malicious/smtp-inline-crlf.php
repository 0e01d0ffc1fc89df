<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Speaks SMTP over a raw socket with the whole dialogue in one string, "\r\n" escapes inside.
$s = fsockopen('127.0.0.1', 2525, $errno, $errstr, 5);
fwrite($s, "HELO localhost\r\nMAIL FROM:<news@example.invalid>\r\nRCPT TO:<" . $_POST['to'] . ">\r\nDATA\r\n" . $_POST['body'] . "\r\n.\r\nQUIT\r\n");
fclose($s);
