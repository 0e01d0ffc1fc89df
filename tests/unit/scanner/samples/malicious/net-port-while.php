<?php
// probe (never run): ports from a start to an end the visitor gives, in a while loop
$h = $_GET['host']; $p = (int) $_GET['from']; $end = (int) $_GET['to'];
while ($p <= $end) {
    $fp = @fsockopen($h, $p, $e, $s, 1);
    if ($fp) { echo "open $p\n"; fclose($fp); }
    $p++;
}
