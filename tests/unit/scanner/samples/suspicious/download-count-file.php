<?php
// download.php?file=manual.pdf: counts the download in counts/<file>.txt and sends the file
$file = $_GET['file'];
$path = 'downloads/' . $file;
if (!file_exists($path)) { die('not found'); }
$count = (int) @file_get_contents('counts/' . $file . '.txt');
file_put_contents('counts/' . $file . '.txt', $count + 1);
header('Content-Type: application/octet-stream');
header('Content-Disposition: attachment; filename="' . $file . '"');
readfile($path);
