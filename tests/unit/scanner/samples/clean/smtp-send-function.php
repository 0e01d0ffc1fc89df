<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A site's SMTP helper: required by its own pages, it sends what they pass it through the
// site's mail server (loopback here); nothing in this file comes from the request.
function site_send_mail($to, $subject, $body)
{
    $host = '127.0.0.1';
    $from = 'site@example.invalid';
    $sent = 0;
    foreach (explode(';', $to) as $rcpt) {
        $sock = @fsockopen($host, 2525, $errno, $errstr, 10);
        if (!$sock) {
            continue;
        }
        fgets($sock, 512);
        fputs($sock, "HELO localhost\r\n"); fgets($sock, 512);
        fputs($sock, "MAIL FROM: <$from>\r\n"); fgets($sock, 512);
        fputs($sock, "RCPT TO: <$rcpt>\r\n"); fgets($sock, 512);
        fputs($sock, "DATA\r\n"); fgets($sock, 512);
        fputs($sock, "Subject: $subject\r\n\r\n$body\r\n.\r\n"); fgets($sock, 512);
        fputs($sock, "QUIT\r\n");
        fclose($sock);
        $sent++;
    }
    return $sent;
}
