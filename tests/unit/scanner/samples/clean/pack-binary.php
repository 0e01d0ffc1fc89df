<?php
// Writes a small PNG signature and header built from hex with pack().
$signature = pack('H*', '89504e470d0a1a0a');
$header = pack('N', 13) . 'IHDR' . pack('NNCCCCC', 1, 1, 8, 2, 0, 0, 0);
file_put_contents(__DIR__ . '/cache/blank.bin', $signature . $header);
echo strlen($signature . $header);
