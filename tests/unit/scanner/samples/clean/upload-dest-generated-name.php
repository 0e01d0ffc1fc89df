<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// An attachment store: the file gets a name the script makes (uniqid + md5), in its folder.
$folder = dirname(__FILE__) . '/attachments';
$orig = $_FILES['attachment']['name'];
$stored = md5(uniqid($orig, true)) . '.bin';
$path = $folder . '/' . $stored;
if (move_uploaded_file($_FILES['attachment']['tmp_name'], $path)) {
    echo 'Stored.';
}
