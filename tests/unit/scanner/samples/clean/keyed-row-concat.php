<?php
// A report line built from a row's columns (quoted keys, small positions).
$row = array('1' => 'a', '2' => 'b', '3' => 'c', '4' => 'd', '5' => 'e', '6' => 'f');
$line = $row['1'].$row['2'].$row['3'].$row['4'].$row['5'].$row['6'];
$addr = $cfg['host'].$cfg['sep'].$cfg['port'].$cfg['sep'].$cfg['path'].$cfg['query'];
echo $line, $addr;
