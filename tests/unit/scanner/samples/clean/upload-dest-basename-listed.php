<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A picture form: fixed folder, basename() of the client's name, extension whitelist.
$dir = __DIR__ . '/uploads/';
$allowed = array('jpg', 'jpeg', 'png', 'gif');
$name = basename($_FILES['photo']['name']);
$ext = strtolower(pathinfo($name, PATHINFO_EXTENSION));
if (!is_uploaded_file($_FILES['photo']['tmp_name']) || !in_array($ext, $allowed)) {
    die('Pictures only.');
}
$target = $dir . $name;
move_uploaded_file($_FILES['photo']['tmp_name'], $target);
