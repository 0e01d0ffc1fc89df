<?php
// Harmless test spam script written for spamtrace's namespace test world (never real malware).
// Usage: php wp-cache.php HOST PORT COUNT HOLD_SECONDS [RETRY_PAUSE_SECONDS]
// Opens COUNT raw SMTP sessions to HOST:PORT (the test sink), each held HOLD_SECONDS;
// a refused one is retried after RETRY_PAUSE_SECONDS (default 0), as real senders do.
$host = $argv[1] ?? '127.0.0.1';
$port = (int)($argv[2] ?? 25);
$n = (int)($argv[3] ?? 1);
$hold = (float)($argv[4] ?? 0);
$pause = (float)($argv[5] ?? 0);
function rd($fp) { $l = ''; while (($s = fgets($fp, 512)) !== false) { $l .= $s; if (strlen($s) < 4 || $s[3] == ' ') break; } return $l; }
function cmd($fp, $c) { fwrite($fp, $c . "\r\n"); return rd($fp); }
$target = (strpos($host, ':') !== false) ? "[$host]" : $host;
for ($i = 0, $ok = 0; $i < $n; $i++) {
    $fp = @fsockopen($target, $port, $e, $s, 5);
    if (!$fp) {
        fwrite(STDERR, "connect failed: $e $s\n");
        if ($pause > 0) usleep((int)($pause * 1e6));
        continue;
    }
    rd($fp);
    cmd($fp, "EHLO victim.example");
    if ($hold > 0) { echo "connected\n"; flush(); usleep((int)($hold * 1e6)); }
    cmd($fp, "MAIL FROM:<spam@victim.example>");
    cmd($fp, "RCPT TO:<t$i@remote.example>");
    cmd($fp, "DATA");
    if (substr(cmd($fp, "Subject: test $i\r\n\r\nspamtrace test message\r\n."), 0, 3) == '250') $ok++;
    cmd($fp, "QUIT");
    fclose($fp);
}
echo "sent $ok/$n\n";
