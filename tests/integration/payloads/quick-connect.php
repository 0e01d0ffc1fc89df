<?php
// Harmless test script: COUNT bare connect-and-close to HOST:PORT (sub-millisecond sessions),
// after DELAY seconds (default 0), and once the file GO exists when one is named (60 s at most);
// then it stays until the file HOLD exists, when one is named (60 s at most).
$host = $argv[1] ?? '127.0.0.1';
$port = (int)($argv[2] ?? 25);
$n = (int)($argv[3] ?? 1);
$delay = (float)($argv[4] ?? 0);
if ($delay > 0) { usleep((int)($delay * 1e6)); }
$go = $argv[5] ?? '';
for ($i = 0; $go !== '' && $i < 6000 && !file_exists($go); $i++) { usleep(10000); }
$target = (strpos($host, ':') !== false) ? "[$host]" : $host;
$ok = 0;
for ($i = 0; $i < $n; $i++) {
    $fp = @fsockopen($target, $port, $e, $s, 5);
    if ($fp) { fclose($fp); $ok++; }
}
$hold = $argv[6] ?? '';
for ($i = 0; $hold !== '' && $i < 6000 && !file_exists($hold); $i++) { usleep(10000); }
echo "connected $ok/$n\n";
