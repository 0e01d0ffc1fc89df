<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A raw-SMTP sender whose loop hands each address of a list file to a helper that speaks
// one session: the loop holds no socket call of its own.
function talk($s, $line) {
    fwrite($s, $line . "\r\n");
    return fgets($s, 512);
}
function one_letter($to) {
    $s = fsockopen('127.0.0.1', 2525, $errno, $errstr, 5);
    talk($s, 'HELO localhost');
    talk($s, 'MAIL FROM:<a@example.invalid>');
    talk($s, "RCPT TO:<$to>");
    talk($s, "DATA\r\nSubject: test\r\n\r\nharmless\r\n.");
    talk($s, 'QUIT');
    fclose($s);
}
foreach (file('list.txt') as $to) one_letter(trim($to));
