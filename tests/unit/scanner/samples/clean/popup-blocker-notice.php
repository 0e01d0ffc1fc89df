<?php
// tells visitors whose browser blocks pop-ups how to open the payment window
include 'partials/popup-blocker.php';
$ip = $_SERVER['REMOTE_ADDR'];
file_put_contents(__DIR__ . '/logs/popup.log', $ip . ' ' . $_SERVER['HTTP_USER_AGENT'] . "\n", FILE_APPEND);
echo '<p>Please allow pop-ups for this site.</p>';
