<?php
// a letter list sent under a bank's name from an unrelated domain
$list = file('targets.txt');
$headers  = "MIME-Version: 1.0\r\n";
$headers .= "Content-type: text/html; charset=utf-8\r\n";
$headers .= "From: Wells Fargo Online Banking <alerts@mx4.cheap-hosting.example>\r\n";
$letter = file_get_contents('letter.html');
foreach ($list as $to) {
    mail(trim($to), 'Action required: verify your account', $letter, $headers);
}
