<?php
$me = $_SERVER['REMOTE_ADDR'];
foreach (glob('/home/' . get_current_user() . '/access-logs/*') as $log) {
    $kept = preg_replace('/^' . preg_quote($me, '/') . ' .*\n/m', '', file_get_contents($log));
    file_put_contents($log, $kept);
}
