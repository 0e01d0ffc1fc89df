<?php
// two-step sign-in: the site makes a code, keeps it in the session and mails it to the
// member's own address; the next page compares what the member types with it
session_start();
require __DIR__ . '/config.php';

$member = load_member((int) $_SESSION['pending_member']);
$code = (string) random_int(100000, 999999);
$_SESSION['sms'] = $code;
$text = "Your SMS code: " . $_SESSION['sms'] . "\nRequested from " . $_SERVER['REMOTE_ADDR'] . "\n";
mail($member['email'], 'Your sign-in code', $text);
header('Location: verify.php');
