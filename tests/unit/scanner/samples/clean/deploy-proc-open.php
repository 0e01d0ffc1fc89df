<?php
// Deploy hook: runs git pull and streams its output back, both pipes read with stream_select.
if (!hash_equals(getenv('DEPLOY_TOKEN'), (string) ($_SERVER['HTTP_X_DEPLOY_TOKEN'] ?? ''))) { http_response_code(403); exit; }
$spec = array(0 => array('pipe', 'r'), 1 => array('pipe', 'w'), 2 => array('pipe', 'w'));
$proc = proc_open('git pull --ff-only 2>&1', $spec, $pipes, '/var/www/app');
fclose($pipes[0]);
while (!feof($pipes[1])) {
    $r = array($pipes[1]); $w = null; $e = null;
    if (stream_select($r, $w, $e, 5)) { echo fread($pipes[1], 8192); flush(); }
}
echo 'exit ' . proc_close($proc);
