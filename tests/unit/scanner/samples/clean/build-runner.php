<?php
// a deploy hook: writes the posted version number into a file and runs the fixed build
$version = preg_replace('/[^0-9.]/', '', $_POST['version']);
file_put_contents(__DIR__ . '/VERSION', $version);
$log = __DIR__ . '/build.log';
exec('sh ' . escapeshellarg(__DIR__ . '/build.sh') . ' > ' . $log);
$notes = $_POST['notes'];
file_put_contents(__DIR__ . '/notes.txt', $notes);
echo nl2br(htmlspecialchars(file_get_contents($log)));
