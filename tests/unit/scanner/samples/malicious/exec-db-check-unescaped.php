<?php
// the lookup's own value is not escaped: c=' OR '1'='1 makes a row, and the rest runs
require 'db.php';
$c = $_GET['c'];
$r = mysqli_query($db, "SELECT id FROM hosts WHERE name = '$c'");
if (mysqli_num_rows($r) > 0) {
    system("host $c");
}
