<?php
$host = $_POST['server'];
$user = $_POST['login'];
$pass = $_POST['secret'];
$rcpts = preg_split('/\s+/', $_POST['rcpts']);
$fp = fsockopen($host, 587, $errno, $errstr, 10);
fgets($fp);
fwrite($fp, "EHLO localhost\r\n");
fgets($fp);
fwrite($fp, "AUTH LOGIN\r\n");
fgets($fp);
fwrite($fp, base64_encode($user) . "\r\n");
fgets($fp);
fwrite($fp, base64_encode($pass) . "\r\n");
fgets($fp);
foreach ($rcpts as $rcpt) {
    fwrite($fp, "MAIL FROM: <$user>\r\n");
    fgets($fp);
    fwrite($fp, "RCPT TO: <$rcpt>\r\n");
    fgets($fp);
    fwrite($fp, "DATA\r\n");
    fgets($fp);
    fwrite($fp, "Subject: " . $_POST['subj'] . "\r\n\r\n" . $_POST['text'] . "\r\n.\r\n");
    fgets($fp);
}
fwrite($fp, "QUIT\r\n");
fclose($fp);
