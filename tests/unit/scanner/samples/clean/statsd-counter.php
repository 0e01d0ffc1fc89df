<?php
function count_event($name) {
    $fp = @fsockopen('udp://127.0.0.1', 8125, $en, $es, 1);
    if ($fp) { fwrite($fp, "shop.$name:1|c"); fclose($fp); }
}
foreach (array('checkout', 'payment') as $ev) { count_event($ev); }
