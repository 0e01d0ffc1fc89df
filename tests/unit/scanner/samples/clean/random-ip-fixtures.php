<?php
// test data for the access-log parser: random addresses, nothing is sent anywhere
$rows = array();
for ($i = 0; $i < 100; $i++) {
    $rows[] = long2ip(mt_rand(0, 4294967295)) . ' - - [' . date('d/M/Y:H:i:s O') . '] "GET / HTTP/1.1" 200 512';
}
file_put_contents(__DIR__ . '/fixtures/access.log', implode("\n", $rows) . "\n");
