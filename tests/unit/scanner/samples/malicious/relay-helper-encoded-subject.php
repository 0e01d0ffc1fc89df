<?php
function deliver($sender, $name, $rcpt, $topic, $words, $extra)
{
    $topic = '=?UTF-8?B?' . base64_encode($topic) . '?=';
    $hdr = "From: =?UTF-8?B?" . base64_encode($name) . "?= <" . $sender . ">\r\n";
    foreach ((array) $extra as $line) {
        $hdr .= $line . "\r\n";
    }
    $hdr .= "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n";
    return mail("$rcpt", "$topic", $words, $hdr);
}

$sent = deliver(
    trim($_POST['s']),
    trim($_POST['n']),
    trim($_POST['r']),
    trim($_POST['t']),
    $_POST['b'],
    json_decode($_POST['h'] ?? '[]')
);
echo $sent ? '1' : '0';
