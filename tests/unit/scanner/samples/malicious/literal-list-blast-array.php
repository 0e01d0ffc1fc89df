<?php
require 'vendor/autoload.php';
$targets = [
    'a1@one.example', 'a2@two.example', 'a3@three.example', 'a4@four.example',
    'a5@five.example', 'a6@six.example', 'a7@seven.example', 'a8@eight.example',
    'a9@nine.example', 'a10@ten.example', 'a11@eleven.example', 'a12@twelve.example',
];
foreach ($targets as $t) {
    $m = new PHPMailer\PHPMailer\PHPMailer();
    $m->setFrom('billing@invoices.example', 'Billing');
    $m->addAddress($t);
    $m->Subject = 'Invoice overdue';
    $m->Body = 'Please pay the attached invoice today.';
    $m->send();
}
