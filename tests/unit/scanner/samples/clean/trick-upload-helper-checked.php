<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
function store_image(array $f, string $dir): bool
{
    return move_uploaded_file($f['tmp_name'], $dir . '/' . bin2hex(random_bytes(8)) . '.jpg');
}
$f = $_FILES['photo'] ?? null;
if ($f && $f['error'] === UPLOAD_ERR_OK && getimagesize($f['tmp_name']) !== false) {
    store_image($_FILES['photo'], __DIR__ . '/uploads');
    echo 'saved';
}
