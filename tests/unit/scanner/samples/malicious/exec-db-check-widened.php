<?php
// a lookup that every value passes (OR 1=1): the request's text reaches the shell
require 'db.php';
$c = mysqli_real_escape_string($db, $_GET['c']);
$r = mysqli_query($db, "SELECT id FROM hosts WHERE name = '$c' OR 1=1");
if (mysqli_num_rows($r) > 0) {
    echo shell_exec("ping -c1 $c");
}
