<?php
// wakes a computer of the office's list: the address the page sends must be one the admin
// registered in the computers table before it reaches the wakeonlan command
require 'db.php';
if (isset($_GET['mac'])) {
    $mac = mysqli_real_escape_string($db, $_GET['mac']);
    $known = mysqli_query($db, "SELECT id FROM computers WHERE mac = '$mac'");
    if (mysqli_num_rows($known) > 0) {
        echo '<pre>' . htmlspecialchars(shell_exec("wakeonlan $mac")) . '</pre>';
    } else {
        echo 'Unknown computer';
    }
}
