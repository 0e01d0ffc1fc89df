<?php
// wakes a registered computer and notes when: the address must be in the computers table
require 'db.php';
if (isset($_GET['mac'])) {
    $mac = mysqli_real_escape_string($db, $_GET['mac']);
    $known = mysqli_query($db, "SELECT id FROM computers WHERE mac = '$mac'");
    if (mysqli_num_rows($known) > 0) {
        echo '<pre>' . htmlspecialchars(shell_exec("wakeonlan $mac")) . '</pre>';
        mysqli_query($db, "UPDATE computers SET woken_at = NOW() WHERE mac = '$mac'");
    } else {
        echo 'Unknown computer';
    }
}
