<?php
// erasure request: the visitor's own address removed from the site's logs once the site's
// sign-in confirmed the request (the key is set by the confirmation page, not here)
session_start();
if (empty($_SESSION['erasure_confirmed'])) exit('confirm first');
$ip = $_SERVER['REMOTE_ADDR'];
foreach (glob(__DIR__ . '/../logs/access-*.log') as $log) {
    $kept = preg_replace('/^' . preg_quote($ip, '/') . ' .*\n/m', '', file_get_contents($log));
    file_put_contents($log, $kept);
}
echo 'erased';
