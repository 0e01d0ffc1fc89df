<?php
// spamtrace test sample: a monitoring page that checks a mail port with netcat.
$host = 'mail.example.org';
exec('nc -z -w 3 ' . escapeshellarg($host) . ' 25', $out, $status);
echo $status === 0 ? "port 25 open\n" : "port 25 closed\n";
$spec = array(0 => array("pipe", "r"), 1 => array("pipe", "w"));
$proc = proc_open('sh', $spec, $pipes);
fwrite($pipes[0], "uptime; df -h /var/www\n");
fclose($pipes[0]);
echo stream_get_contents($pipes[1]);
proc_close($proc);
