// The demo's spam mailer, written for `spamtrace demo` (never real malware). The lab build
// base64-encodes this code into an eval() line, as droppers do, in the hacked site's uploads.
// It speaks SMTP straight to the lab's "remote MX" (port 25), bypassing the local MTA, and
// holds each session open two seconds so that `spamtrace check` can see it live.
$mx = '__MX__';
$until = time() + __SECONDS__;
$n = 0;
while (time() < $until) {
    $fp = @fsockopen($mx, 25, $errno, $errstr, 3);
    if (!$fp) { echo "refused $errno $errstr\n"; sleep(1); continue; }
    fgets($fp, 512);
    fwrite($fp, "EHLO shop.example\r\n");
    while (($line = fgets($fp, 512)) !== false && isset($line[3]) && $line[3] == '-') {}
    echo "connected\n";
    sleep(2);
    fwrite($fp, "MAIL FROM:<noreply@shop.example>\r\n"); fgets($fp, 512);
    fwrite($fp, "RCPT TO:<customer$n@remote.example>\r\n"); fgets($fp, 512);
    fwrite($fp, "DATA\r\n"); fgets($fp, 512);
    fwrite($fp, "Subject: Your parcel is waiting\r\n\r\nConfirm your address to receive it.\r\n.\r\n");
    fgets($fp, 512);
    fwrite($fp, "QUIT\r\n");
    fclose($fp);
    echo "sent $n\n";
    $n++;
}
