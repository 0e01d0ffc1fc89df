<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A small file manager of a site's admin area: the site's login lets the visitor in (the
// file sets no session key itself); it takes any file into the folder it shows, unchecked:
// a hole, not a planted uploader.
session_start();
if (!isset($_SESSION['user'])) {
    header('Location: /admin/login.php');
    exit;
}
$dir = isset($_GET['dir']) ? $_GET['dir'] : 'files';
if (isset($_POST['upload'])) {
    move_uploaded_file($_FILES['file']['tmp_name'], $dir . '/' . $_FILES['file']['name']);
}
foreach (scandir($dir) as $f) {
    echo htmlspecialchars($f), "<br>";
}
?>
<form method="post" enctype="multipart/form-data"><input type="file" name="file"><button name="upload">Upload</button></form>
