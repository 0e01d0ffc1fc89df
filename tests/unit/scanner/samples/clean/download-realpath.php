<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A document server: the resolved path must stay inside the documents folder.
$base = realpath(__DIR__ . '/files');
$path = realpath($base . '/' . $_GET['file']);
if ($path === false || strpos($path, $base . DIRECTORY_SEPARATOR) !== 0) {
    http_response_code(403);
    exit('Forbidden');
}
header('Content-Type: application/pdf');
readfile($path);
