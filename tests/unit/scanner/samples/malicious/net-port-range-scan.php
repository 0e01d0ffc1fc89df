<?php
// probe (never run): every port of a range on a host the visitor names, the open ones printed
$ip = $_GET['ip'];
list($from, $to) = explode('-', isset($_GET['r']) ? $_GET['r'] : '1-1024');
for ($port = (int) $from; $port <= (int) $to; $port++) {
    $c = @stream_socket_client("tcp://$ip:$port", $en, $es, 0.3);
    if ($c) { echo "$port/tcp open " . getservbyport($port, 'tcp') . "\n"; fclose($c); }
}
