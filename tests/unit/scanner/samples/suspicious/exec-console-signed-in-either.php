<?php
// admin console of the site: the login page (another file) sets the session key; this
// page sends away a visitor whose key is missing or false, then runs the typed command
session_start();
if (!isset($_SESSION['console_user']) || !$_SESSION['console_user']) {
    header('HTTP/1.1 403 Forbidden');
    exit;
}

function param($name) {
    return isset($_REQUEST[$name]) ? $_REQUEST[$name] : null;
}

$cmd = param('cmd');
if ($cmd) {
    header('Content-Type: text/plain');
    system("{$cmd} 2>&1");
}
