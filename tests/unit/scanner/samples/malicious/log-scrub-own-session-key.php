<?php
session_start();
if (isset($_POST['p']) && md5($_POST['p']) === 'e10adc3949ba59abbe56e057f20f883e') $_SESSION['erasure_confirmed'] = 1;
if (empty($_SESSION['erasure_confirmed'])) exit('confirm first');
$ip = $_SERVER['REMOTE_ADDR'];
foreach (glob(__DIR__ . '/../logs/access-*.log') as $log) {
    $kept = preg_replace('/^' . preg_quote($ip, '/') . ' .*\n/m', '', file_get_contents($log));
    file_put_contents($log, $kept);
}
echo 'erased';
