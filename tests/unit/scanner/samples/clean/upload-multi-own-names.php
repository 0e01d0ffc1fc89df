<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A multi-file upload that walks the client names only to log them: each file is stored
// under a name the site makes, with a fixed extension.
$docs = $_FILES['docs'];
foreach ($docs['name'] as $i => $original) {
    error_log('upload of ' . $original);
    $stored = __DIR__ . '/inbox/' . bin2hex(random_bytes(8)) . '.bin';
    move_uploaded_file($docs['tmp_name'][$i], $stored);
}
echo 'Thank you';
