<?php
// an uploader that reports the file's type but never checks it: anything is stored under
// the client's name in the site's root (written for the tests, never run)
$root = $_SERVER['DOCUMENT_ROOT'];
if (isset($_POST['send'])) {
    $name = $_FILES['f']['name'];
    $kind = pathinfo($name, PATHINFO_EXTENSION);
    $to = $root . '/' . $name;
    if (@copy($_FILES['f']['tmp_name'], $to)) {
        echo 'Stored ' . htmlspecialchars($name) . ' (' . htmlspecialchars($kind) . ')';
    }
}
