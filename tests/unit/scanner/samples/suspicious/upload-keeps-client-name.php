<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A site's picture upload: only images are taken, but each keeps the name the visitor's
// computer gave it. Careless (a name can clash or carry odd characters), not planted.
$allowed = array('jpg', 'jpeg', 'png', 'gif');
$parts = explode('.', $_FILES['photo']['name']);
$ext = strtolower(end($parts));
if (!in_array($ext, $allowed) || $_FILES['photo']['size'] > 500000) {
    die('Only pictures up to 500 KB, please.');
}
if (file_exists('pictures/' . $_FILES['photo']['name'])) {
    die('A picture of that name is already there.');
}
move_uploaded_file($_FILES['photo']['tmp_name'], 'pictures/' . $_FILES['photo']['name']);
echo 'Saved as pictures/' . htmlspecialchars($_FILES['photo']['name']);
