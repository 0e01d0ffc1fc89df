<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a club's tournament sign-up kept in a text file; its labels hold digits next to letters
$ip = $_SERVER['REMOTE_ADDR'];
if (isset($_POST['name'])) {
    $row  = "Name : {$_POST['name']}\n";
    $row .= "1st choice : {$_POST['first']}\n";
    $row .= "U12 team : {$_POST['team']}\n";
    $row .= "3day tickets : {$_POST['tickets']}\n";
    $row .= "Ages 5-15 : {$_POST['ages']}\n";
    $row .= "From : " . $ip . "\n";
    $fh = fopen(__DIR__ . '/signups.txt', 'a');
    fwrite($fh, $row);
    fclose($fh);
    header('Location: thanks.html');
}
