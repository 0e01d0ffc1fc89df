<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A gallery's multi-file upload: it walks the client names too, but takes only images and
// checks each one's extension against its list before storing it.
$allowed = array('jpg', 'jpeg', 'png', 'gif');
foreach ($_FILES['photos']['name'] as $i => $name) {
    $ext = strtolower(pathinfo($name, PATHINFO_EXTENSION));
    if (!in_array($ext, $allowed, true)) {
        continue;
    }
    move_uploaded_file($_FILES['photos']['tmp_name'][$i], __DIR__ . '/gallery/' . basename($name));
}
echo 'Done';
