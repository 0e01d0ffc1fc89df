<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// an avatar upload: ImageMagick reads the file PHP stored the upload in
if (!empty($_FILES['avatar']) && $_FILES['avatar']['error'] === UPLOAD_ERR_OK && $_FILES['avatar']['size'] < 2000000) {
    $dest = __DIR__ . '/avatars/' . bin2hex(random_bytes(6)) . '.png';
    exec("convert {$_FILES['avatar']['tmp_name']} -strip -resize 256x256 " . escapeshellarg($dest), $out, $rc);
    echo $rc === 0 ? basename($dest) : 'error';
}
