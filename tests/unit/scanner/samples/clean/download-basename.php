<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A download page: the requested name cut to a bare file name, in the script's own folder.
$f = basename($_GET['f']);
$path = __DIR__ . '/uploads/' . $f;
if (!is_file($path)) {
    http_response_code(404);
    exit;
}
header('Content-Type: application/octet-stream');
header('Content-Disposition: attachment; filename="' . $f . '"');
readfile($path);
