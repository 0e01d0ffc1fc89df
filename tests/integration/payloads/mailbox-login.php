<?php
// Harmless test spam script written for spamtrace's namespace test world (never real malware).
// Usage: php mailbox-login.php COUNT PAUSE_SECONDS
// Logs in to this host's own MTA (127.0.0.1:587) COUNT times with a mailbox's password
// (SMTP AUTH PLAIN, as a script holding a stolen password does) and sends one message each.
$n = (int)($argv[1] ?? 1);
$pause = (float)($argv[2] ?? 0);
$login = base64_encode("\0box@shop.example\0secret");
function rd($fp) { $l = ''; while (($s = fgets($fp, 512)) !== false) { $l .= $s; if (strlen($s) < 4 || $s[3] == ' ') break; } return $l; }
function cmd($fp, $c) { fwrite($fp, $c . "\r\n"); return rd($fp); }
for ($i = 0, $ok = 0; $i < $n; $i++) {
    $fp = @fsockopen('127.0.0.1', 587, $e, $s, 5);
    if (!$fp) { fwrite(STDERR, "connect failed: $e $s\n"); usleep(200000); continue; }
    rd($fp);
    cmd($fp, "EHLO shop.example");
    cmd($fp, "AUTH PLAIN $login");
    cmd($fp, "MAIL FROM:<ceo@bank.example>");
    cmd($fp, "RCPT TO:<v$i@remote.example>");
    cmd($fp, "DATA");
    if (substr(cmd($fp, "Subject: invoice $i\r\n\r\nspamtrace test message\r\n."), 0, 3) == '250') $ok++;
    cmd($fp, "QUIT");
    fclose($fp);
    if ($pause > 0) usleep((int)($pause * 1e6));
}
echo "sent $ok/$n\n";
