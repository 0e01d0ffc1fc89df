<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A gallery's thumbnail page: the name asked for is cut down to letters, digits and dashes
// and read from the script's own thumbnail folder: a local file, not a URL of the visitor's.
$img = isset($_GET['img']) ? $_GET['img'] : '';
$img = preg_replace('/[^a-zA-Z0-9\-_]+/', '', $img);
$dir = __DIR__ . '/thumbs/';
if ($img === '' || !is_file($dir . $img . '.jpg')) {
    http_response_code(404);
    exit;
}
header('Content-Type: image/jpeg');
echo file_get_contents($dir . $img . '.jpg');
